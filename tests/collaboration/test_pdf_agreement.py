"""The avsiktsförklaring as PDF: every version, the current draft, and the archive copy of the version in force."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from collaboration.agreement import approval, drafting, versions
from collaboration.documents import pdf
from collaboration.documents.contents import AGREEMENT_LAYOUT
from collaboration.models import Activity, ActivityKind, AgreementVersion, Party
from tests.collaboration.agreement_helpers import adopted, realistic_texts, sent, write
from tests.conftest import Cast, client_for
from tests.pdf_reading import (
    PDFAID,
    assert_accessible_pdf,
    assert_in_order,
    attachments,
    page_count,
    pdfinfo,
    qpdf_check,
    text_of,
    xmp_value,
)

pytestmark = pytest.mark.django_db

TEXTS = {
    "bakgrund-och-problembild": "Många elever i Centrum saknar stöd med läxorna.",
    "malbild-och-syfte": "Fler barn klarar skolan.",
    "malgrupp": "Elever i årskurs 4–6.",
}


def version_url(cast: Cast, number: int, name: str = "agreement_version_pdf") -> str:
    return reverse(name, args=[cast.collaboration.code, number])


def page_texts(document: bytes) -> list[str]:
    reader = pypdf.PdfReader(__import__("io").BytesIO(document))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def keep(name: str, document: bytes) -> None:
    """Write the PDF where PDF_OUT points (to look at it with pdftoppm), when it is set."""
    folder = os.environ.get("PDF_OUT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(document)


def set_party_details(cast: Cast) -> None:
    Party.objects.filter(collaboration=cast.collaboration, organisation=cast.kommun).update(
        reference="KS 2026/114", contact=cast.officer
    )


def test_the_adopted_version_has_everything_in_order_with_approvals_and_hash(cast: Cast, officer_client: Client):
    set_party_details(cast)
    _agreement, version = adopted(cast, TEXTS)

    response = officer_client.get(version_url(cast, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        "attachment; filename=\"Avsiktsforklaring-Laxhjalp-i-Centrum-v1.pdf\"; filename*=UTF-8''"
    )
    document = response.content
    keep("faststalld.pdf", document)
    title = "Avsiktsförklaring – Läxhjälp i Centrum, version 1"
    assert_accessible_pdf(document, title=title)
    qpdf_check(document)
    assert pdfinfo(document)["Tagged"] == "yes"
    text = text_of(document)
    assert_in_order(
        text,
        "Avsiktsförklaring",
        "Läxhjälp i Centrum",
        "Version 1",
        "Status Fastställd",
        "Parter",
        "Halmstads kommun",
        cast.kommun.organisation_number,
        "Tove Tjänsteperson",
        "KS 2026/114",
        "Föreningen Läxhjälp",
        "Bakgrund och problembild",
        "Många elever i Centrum saknar stöd med läxorna.",
        "Målbild och syfte",
        "Fler barn klarar skolan.",
        "Målgrupp",
        "Elever i årskurs 4–6.",
        "Godkännanden",
        "Halmstads kommun",
        "Sam Samordnare",
        "Samordnare",
        "KS 2026/114",
        "Föreningen Läxhjälp",
        "Bo Styrelse",
        "Styrelsemöte 12 mars",
        version.sha256,
    )
    # The full hash, as the portal shows it, in the body text.
    assert re.findall(r"\b[0-9a-f]{64}\b", text) == [version.sha256, version.sha256]
    # The version in force applies: no mark, and no reader or time printed (it is the same for everyone).
    assert "UTKAST" not in text
    assert "FÖR GRANSKNING" not in text
    assert "Utskrivet" not in text
    assert "Sida 1 av" in text

    logged = Activity.objects.filter(collaboration=cast.collaboration, kind=ActivityKind.EXPORTED).get()
    assert logged.actor == cast.officer
    assert logged.data["file"] == "Avsiktsforklaring-Laxhjalp-i-Centrum-v1.pdf"


def test_the_adopted_version_is_rendered_once_and_then_read_from_storage(
    cast: Cast, officer_client: Client, monkeypatch
):
    _agreement, version = adopted(cast, TEXTS)
    first = officer_client.get(version_url(cast, 1)).content
    stored = f"{pdf.CACHE_PREFIX}agreements/{cast.collaboration.code}/v1-{version.sha256}-{AGREEMENT_LAYOUT}.pdf"
    assert default_storage.exists(stored)

    def no_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render_pdf", no_render)
    second = client_for(cast.board_member).get(version_url(cast, 1))
    assert second.status_code == 200
    assert second.content == first
    assert Activity.objects.filter(kind=ActivityKind.EXPORTED).count() == 2


def test_a_version_under_review_is_marked_on_every_page(cast: Cast, officer_client: Client):
    _agreement, version = sent(cast, realistic_texts(2))
    response = officer_client.get(version_url(cast, 1))
    document = response.content
    keep("granskning.pdf", document)
    assert page_count(document) >= 2
    for number, page in enumerate(page_texts(document), start=1):
        assert "FÖR GRANSKNING" in page, f"page {number} is not marked"
    text = text_of(document)
    assert "Status För granskning" in text
    assert version.sha256 in text
    assert "Godkänt av" not in text
    assert "Utskrivet" in text
    assert "av Tove Tjänsteperson" in text
    assert_accessible_pdf(document, title="Avsiktsförklaring – Läxhjälp i Centrum, version 1")


def test_an_older_version_says_it_is_superseded(cast: Cast, officer_client: Client):
    agreement, _first = adopted(cast, TEXTS)
    drafting.agreement_revise(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    agreement.refresh_from_db()
    write(agreement, cast, {"malgrupp": "Elever i årskurs 4–9."})
    agreement.refresh_from_db()
    versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)

    # Version 1 is still in force while version 2 is reviewed.
    text = text_of(officer_client.get(version_url(cast, 1)).content)
    assert "Status Fastställd" in text
    assert "UTKAST" not in text
    second = officer_client.get(version_url(cast, 2)).content
    assert all("FÖR GRANSKNING" in page for page in page_texts(second))

    agreement.refresh_from_db()
    second_version = AgreementVersion.objects.get(agreement=agreement, number=2)
    for user, organisation in ((cast.coordinator, cast.kommun), (cast.board_member, cast.forening)):
        approval.agreement_approve(version=second_version, user=user, organisation=organisation)
    old = officer_client.get(version_url(cast, 1)).content
    text = text_of(old)
    assert "Fastställd tidigare, ersatt av version 2" in text
    assert all("ERSATT, GÄLLER INTE" in page for page in page_texts(old))
    # The archive copy is only for the version in force.
    assert officer_client.get(version_url(cast, 1, "agreement_archive_pdf")).status_code == 404
    assert officer_client.get(version_url(cast, 2, "agreement_archive_pdf")).status_code == 200


def test_the_current_draft_is_marked_utkast_on_every_page(cast: Cast, officer_client: Client):
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write(agreement, cast, realistic_texts(2))
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 200
    assert 'filename="Avsiktsforklaring-Laxhjalp-i-Centrum-utkast.pdf"' in response["Content-Disposition"]
    document = response.content
    keep("utkast.pdf", document)
    pages = page_texts(document)
    assert len(pages) >= 2
    assert all("UTKAST" in page for page in pages)
    text = text_of(document)
    assert_in_order(text, "Nuvarande utkast", "Utkast, inte skickat för granskning", "Bakgrund och problembild")
    assert_accessible_pdf(document, title="Avsiktsförklaring – Läxhjälp i Centrum, nuvarande utkast")


def test_the_draft_of_an_adopted_agreement_is_the_version_in_force(cast: Cast, officer_client: Client):
    adopted(cast, TEXTS)
    response = officer_client.get(reverse("agreement_draft_pdf", args=[cast.collaboration.code]))
    assert response.status_code == 302
    assert response.url == version_url(cast, 1)


def test_the_archive_copy_is_pdf_a_3a_and_ua_1_with_the_versions_json_inside(cast: Cast, officer_client: Client):
    _agreement, version = adopted(cast, TEXTS)
    response = officer_client.get(version_url(cast, 1, "agreement_archive_pdf"))
    assert response.status_code == 200
    assert 'filename="Avsiktsforklaring-Laxhjalp-i-Centrum-v1-arkivexemplar.pdf"' in response["Content-Disposition"]
    document = response.content
    keep("arkiv.pdf", document)
    assert_accessible_pdf(document, title="Avsiktsförklaring – Läxhjälp i Centrum, version 1 (arkivexemplar)")
    qpdf_check(document)
    assert xmp_value(document, PDFAID, "part") == "3"
    assert xmp_value(document, PDFAID, "conformance") == "A"
    files = attachments(document)
    assert list(files) == ["avsiktsforklaring-version-1.json"]
    embedded, relationship = files["avsiktsforklaring-version-1.json"]
    assert relationship == "/Source"
    assert embedded.decode() == version.content
    assert json.loads(embedded) == version.snapshot
    digest = hashlib.sha256(embedded).hexdigest()
    assert digest == version.sha256
    assert digest in text_of(document)
    with pikepdf.open(__import__("io").BytesIO(document)) as opened:
        assert bytes(opened.trailer.ID[0]) == version.sha256.encode()


def test_the_archive_copy_is_not_offered_for_a_version_under_review(cast: Cast, officer_client: Client):
    sent(cast, TEXTS)
    assert officer_client.get(version_url(cast, 1, "agreement_archive_pdf")).status_code == 404
    assert officer_client.get(version_url(cast, 2)).status_code == 404


def test_markup_in_the_text_stays_text(cast: Cast, officer_client: Client):
    hostile = '<script>alert(1)</script><img src="https://example.org/x.png"><style>body{display:none}</style>'
    _agreement, _version = sent(cast, {"malgrupp": hostile})
    document = officer_client.get(version_url(cast, 1)).content
    # The line may wrap anywhere in the long string: compare without the spaces the wrapping adds.
    assert hostile.replace(" ", "") in text_of(document).replace(" ", "")
    assert "Målgrupp" in text_of(document)  # nothing was hidden by the "style"


def test_outsiders_and_invited_parties_get_nothing(cast: Cast):
    adopted(cast, TEXTS)
    for url in (
        version_url(cast, 1),
        version_url(cast, 1, "agreement_archive_pdf"),
        reverse("agreement_draft_pdf", args=[cast.collaboration.code]),
    ):
        assert client_for(cast.outsider).get(url).status_code == 404
    assert not Activity.objects.filter(kind=ActivityKind.EXPORTED).exists()


def test_the_pages_link_to_the_downloads(cast: Cast, officer_client: Client):
    adopted(cast, TEXTS)
    page = officer_client.get(reverse("agreement_version", args=[cast.collaboration.code, 1])).text
    assert version_url(cast, 1) in page
    assert version_url(cast, 1, "agreement_archive_pdf") in page
    assert "Arkivexemplar, PDF/A" in page
    overview = officer_client.get(reverse("agreement_detail", args=[cast.collaboration.code])).text
    assert version_url(cast, 1) in overview
    assert version_url(cast, 1, "agreement_archive_pdf") in overview
