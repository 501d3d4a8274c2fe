"""The coordinator's batch export in a real browser, with axe: choose, wait while the page updates itself, download."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from collaboration.documents import batch_export
from collaboration.models import AgreementExport, ExportStatus
from tests.collaboration.agreement_helpers import adopted
from tests.e2e.conftest import allow_status, assert_accessible, sign_in
from tests.factories import PASSWORD, CollaborationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_choose_export_follow_progress_and_download(page, cast):
    adopted(cast, {"malbild-och-syfte": "Fler barn klarar skolan."})
    second = dataclasses.replace(
        cast, collaboration=CollaborationFactory(title="Lovskola i Söder", parties=[cast.kommun, cast.forening])
    )
    adopted(second, {"malbild-och-syfte": "Alla barn har något att göra på lovet."})
    choose = reverse("agreement_export_create", args=[cast.kommun.code])

    sign_in(page, cast.coordinator.email, PASSWORD)
    page.goto(choose)
    expect(page.get_by_role("heading", name="Exportera fastställda avsiktsförklaringar")).to_be_visible()
    assert_accessible(page)
    allow_status(page, 400)  # choosing nothing is refused on purpose
    page.get_by_role("button", name="Exportera de valda").click()
    expect(page.locator(".error-summary")).to_contain_text("Välj minst en samverkan")
    assert_accessible(page)
    page.get_by_label("Lovskola i Söder", exact=False).check()
    page.get_by_role("button", name="Exportera de valda").click()
    # The test settings run tasks at once: the zip is ready when the page opens.
    expect(page.get_by_text("Klar: 1 avsiktsförklaring.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner zip-filen").click()
    assert download.value.suggested_filename.startswith("Avsiktsforklaringar-Halmstads-kommun-")

    # A running export: the progress part updates itself (htmx polls every 2 seconds).
    running = batch_export.export_start(
        organisation=cast.kommun, user=cast.coordinator, collaborations=batch_export.exportable(cast.kommun)
    )
    AgreementExport.objects.filter(pk=running.pk).update(status=ExportStatus.RUNNING, done=1, total=2)
    page.goto(reverse("agreement_export_detail", args=[cast.kommun.code, running.code]))
    expect(page.get_by_text("1 av 2 klara")).to_be_visible()
    assert_accessible(page)
    AgreementExport.objects.filter(pk=running.pk).update(done=2)
    expect(page.get_by_text("2 av 2 klara")).to_be_visible(timeout=6_000)
