"""A coordinator's batch export of adopted agreements: choosing, the background build, progress, the zip, expiry."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from collaboration.documents import batch_export
from collaboration.models import (
    Activity,
    ActivityKind,
    AgreementExport,
    ExportStatus,
    Membership,
    Organisation,
    Role,
)
from tests.collaboration.agreement_helpers import adopted, sent
from tests.conftest import Cast, client_for
from tests.factories import CollaborationFactory, MembershipFactory
from tests.pdf_reading import attachments, text_of
from tests.spreadsheets import pieces_that_would_run

pytestmark = pytest.mark.django_db

TEXTS = {"malbild-och-syfte": "Fler barn klarar skolan."}


def create_url(cast: Cast) -> str:
    return reverse("agreement_export_create", args=[cast.kommun.code])


def detail_url(cast: Cast, export: AgreementExport) -> str:
    return reverse("agreement_export_detail", args=[cast.kommun.code, export.code])


def download_url(cast: Cast, export: AgreementExport) -> str:
    return reverse("agreement_export_download", args=[cast.kommun.code, export.code])


@pytest.fixture
def three(cast: Cast) -> list[Cast]:
    """Two collaborations with an adopted agreement (one with a title that looks like a formula), one under review."""
    second = dataclasses.replace(
        cast, collaboration=CollaborationFactory(title='=HYPERLINK("x")', parties=[cast.kommun, cast.forening])
    )
    third = dataclasses.replace(
        cast, collaboration=CollaborationFactory(title="Under granskning", parties=[cast.kommun, cast.forening])
    )
    adopted(cast, TEXTS)
    adopted(second, TEXTS)
    sent(third, TEXTS)
    return [cast, second, third]


def test_the_coordinator_chooses_among_the_adopted_agreements(cast: Cast, three: list[Cast]):
    organisation_page = client_for(cast.coordinator).get(reverse("organisation_detail", args=[cast.kommun.code]))
    assert create_url(cast) in organisation_page.text
    page = client_for(cast.coordinator).get(create_url(cast))
    assert page.status_code == 200
    assert "Läxhjälp i Centrum – version 1, fastställd" in page.text
    assert "=HYPERLINK" in page.text
    assert "Under granskning" not in page.text
    assert "Välj alla och exportera (2)" in page.text


def test_choosing_nothing_is_refused_with_a_message(cast: Cast, three: list[Cast]):
    response = client_for(cast.coordinator).post(create_url(cast), {"action": "chosen"})
    assert response.status_code == 400
    assert "Välj minst en samverkan" in response.text
    assert 'href="#id_collaborations_0"' in response.text
    assert not AgreementExport.objects.exists()


def test_the_export_is_built_in_the_background_mailed_and_downloaded(
    cast: Cast, three: list[Cast], django_capture_on_commit_callbacks
):
    coordinator = client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(create_url(cast), {"action": "all"})
    export = AgreementExport.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(cast, export)
    assert export.status == ExportStatus.READY
    assert (export.done, export.total) == (2, 2)
    assert {c.title for c in export.collaborations.all()} == {"Läxhjälp i Centrum", '=HYPERLINK("x")'}
    assert export.expires_at - export.finished_at == timedelta(days=7)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.coordinator.email]
    assert message.subject == "Exporten av avsiktsförklaringar är klar"
    assert "Exporten av 2 fastställda avsiktsförklaringar för Halmstads kommun är klar." in message.body
    assert detail_url(cast, export) in message.body

    page = coordinator.get(detail_url(cast, export))
    assert "Klar: 2 avsiktsförklaringar." in page.text
    assert "hx-trigger" not in page.text  # finished: nothing polls
    response = coordinator.get(download_url(cast, export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="Avsiktsforklaringar-Halmstads-kommun-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names == [
        "001-Avsiktsforklaring-HYPERLINK-x-v1-arkivexemplar.pdf",
        "002-Avsiktsforklaring-Laxhjalp-i-Centrum-v1-arkivexemplar.pdf",
        "index.csv",
    ]
    raw = archive.read("index.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Samverkan", "Parter", "Version", "Kontrollsumma (SHA-256)", "Fastställd", "Fil"]
    # A title that looks like a formula is text in a spreadsheet.
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert rows[2][0] == "Läxhjälp i Centrum"
    assert rows[2][1] == (
        f"Halmstads kommun ({cast.kommun.organisation_number}), Föreningen Läxhjälp ({cast.forening.organisation_number})"
    )
    assert rows[2][2] == "1"
    assert rows[2][4] == timezone.localdate().isoformat()
    assert rows[2][5] == names[1]
    # Each file is the archive copy: its JSON's hash is the one in the index and in its text.
    document = archive.read(names[1])
    ((embedded, _relationship),) = attachments(document).values()
    assert hashlib.sha256(embedded).hexdigest() == rows[2][3]
    assert rows[2][3] in text_of(document)
    # Each collaboration's log says the coordinator took the agreement out.
    assert Activity.objects.filter(kind=ActivityKind.EXPORTED, actor=cast.coordinator).count() == 2


def test_no_party_name_runs_as_a_formula_in_the_index_whichever_separator_a_spreadsheet_splits_on(cast: Cast):
    """The parties share one field, joined with commas: a program that cuts the file on commas makes each a cell."""
    Organisation.objects.filter(pk=cast.forening.pk).update(name="@SUM(1+1);=2+2")
    adopted(cast, TEXTS)
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    batch_export.build(export)
    export.refresh_from_db()
    with default_storage.open(export.file, "rb") as stored:
        raw = zipfile.ZipFile(stored).read("index.csv")
    assert pieces_that_would_run(raw) == []
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == (
        f"Halmstads kommun ({cast.kommun.organisation_number}), '@SUM(1+1);'=2+2 ({cast.forening.organisation_number})"
    )


def test_the_progress_page_polls_and_reloads_while_running(cast: Cast, three: list[Cast]):
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )  # queued, not run: outside the on_commit capture
    AgreementExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, done=1)
    coordinator = client_for(cast.coordinator)
    page = coordinator.get(detail_url(cast, export))
    assert "1 av 2 klara" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page.text
    part = coordinator.get(detail_url(cast, export), headers={"HX-Request": "true"})
    assert part.text.lstrip().startswith('<div id="export-progress"')
    assert "1 av 2 klara" in part.text
    assert "<html" not in part.text
    assert coordinator.get(download_url(cast, export)).status_code == 404


def test_only_the_coordinator_who_asked_gets_the_export(cast: Cast, three: list[Cast]):
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    batch_export.build(export)
    other_coordinator = MembershipFactory(organisation=cast.kommun, role=Role.COORDINATOR).user
    for user in (other_coordinator, cast.officer, cast.civil_coordinator, cast.outsider):
        client = client_for(user)
        assert client.get(detail_url(cast, export)).status_code == 404
        assert client.get(download_url(cast, export)).status_code == 404
    assert client_for(cast.officer).get(create_url(cast)).status_code == 404
    assert client_for(other_coordinator).get(create_url(cast)).status_code == 200
    # A coordinator no more: nothing.
    Membership.objects.filter(user=cast.coordinator).update(role=Role.OFFICER)
    assert client_for(cast.coordinator).get(download_url(cast, export)).status_code == 404


def test_an_expired_export_is_deleted(cast: Cast, three: list[Cast]):
    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    batch_export.build(export)
    export.refresh_from_db()
    assert default_storage.exists(export.file)
    AgreementExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("delete_expired_exports", stdout=out)
    assert "1 expired export(s) deleted." in out.getvalue()
    assert not default_storage.exists(export.file)
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    coordinator = client_for(cast.coordinator)
    assert coordinator.get(download_url(cast, export)).status_code == 404
    assert "Filen har tagits bort eftersom tiden gick ut" in coordinator.get(detail_url(cast, export)).text


def test_an_agreement_the_organisation_no_longer_shares_is_left_out(cast: Cast, three: list[Cast]):
    from collaboration.models import Party, PartyState

    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    Party.objects.filter(collaboration=three[1].collaboration, organisation=cast.kommun).update(state=PartyState.LEFT)
    batch_export.build(export)
    export.refresh_from_db()
    assert (export.done, export.total) == (2, 2)
    with default_storage.open(export.file, "rb") as stored:
        names = zipfile.ZipFile(stored).namelist()
    assert names == ["001-Avsiktsforklaring-Laxhjalp-i-Centrum-v1-arkivexemplar.pdf", "index.csv"]


def test_the_choice_page_makes_as_many_queries_for_many_collaborations_as_for_one(cast: Cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    adopted(cast, TEXTS)
    coordinator = client_for(cast.coordinator)
    coordinator.get(create_url(cast))  # the session and content caches warm
    with CaptureQueriesContext(connection) as one:
        assert coordinator.get(create_url(cast)).status_code == 200
    for title in ("Lovskola", "Läsfrämjande", "Simskola"):
        adopted(
            dataclasses.replace(
                cast, collaboration=CollaborationFactory(title=title, parties=[cast.kommun, cast.forening])
            ),
            TEXTS,
        )
    with CaptureQueriesContext(connection) as four:
        page = coordinator.get(create_url(cast))
    assert "Simskola" in page.text
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_overview_selection_goes_to_the_export_ticked(cast: Cast, three: list[Cast]):
    coordinator = client_for(cast.coordinator)
    overview = coordinator.get(reverse("overview", args=[cast.kommun.code]))
    assert f'action="{create_url(cast)}"' in overview.text
    assert f'name="samverkan" value="{cast.collaboration.code}"' in overview.text
    page = coordinator.get(create_url(cast), {"samverkan": [str(cast.collaboration.code)]})
    ticked = [c for c in page.context["form"]["collaborations"] if c.data["selected"]]
    assert [c.data["value"] for c in ticked] == [str(cast.collaboration.code)]
    # Members who are not coordinators see the list without the selection.
    officer = client_for(cast.officer).get(reverse("overview", args=[cast.kommun.code]))
    assert 'name="samverkan"' not in officer.text


def test_a_worker_killed_between_the_zip_and_the_mail_is_made_good_by_the_run_again(cast: Cast, three: list[Cast]):
    """portal.taskqueue runs a dead worker's task again: a finished zip whose mail never went out is mailed then,
    once, and a run after the mail builds and mails nothing more."""
    from collaboration.documents.batch_export import build_agreement_export

    export = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    batch_export.build(export)  # the first run got this far, then was killed
    export.refresh_from_db()
    finished_at = export.finished_at
    mail.outbox.clear()

    build_agreement_export.call(export_id=export.pk)
    export.refresh_from_db()
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert export.mailed_at is not None
    assert export.finished_at == finished_at  # the zip was not built again

    build_agreement_export.call(export_id=export.pk)
    assert len(mail.outbox) == 1


def test_ticked_collaborations_without_an_adopted_agreement_are_named(cast: Cast, three: list[Cast]):
    """Five ticked and fewer listed: the page says which were left out and why, naming only the organisation's own."""
    _, _, under_review = three
    not_ours = CollaborationFactory(title="Någon annans samverkan", parties=[cast.other_org])
    chosen = [str(cast.collaboration.code), str(under_review.collaboration.code), str(not_ours.code), "inte-en-kod"]
    page = client_for(cast.coordinator).get(create_url(cast), {"samverkan": chosen})
    assert page.status_code == 200
    assert "En av de samverkan du valde har ingen fastställd avsiktsförklaring" in page.text
    assert "<li>Under granskning</li>" in page.text
    assert "Någon annans samverkan" not in page.text
