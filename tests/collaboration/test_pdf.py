"""collaboration/documents/pdf.py: what a rendered PDF is (tagged, PDF/UA, PDF/A-3), what it may fetch, and its cache."""

from __future__ import annotations

import hashlib
import io
import json

import pikepdf
import pytest
import weasyprint
from django.core.files.storage import default_storage

from collaboration.documents import pdf
from tests.pdf_reading import (
    PDFAID,
    PDFUAID,
    assert_accessible_pdf,
    assert_in_order,
    attachments,
    page_count,
    pdfinfo,
    pdftotext,
    qpdf_check,
    text_of,
    xmp_value,
)

TITLE = "Provdokument – Läxhjälp i Centrum"


def minimal(*paragraphs: str, fetcher: pdf.StaticOnlyFetcher | None = None) -> bytes:
    context = {"kind": "Provdokument", "heading": "Läxhjälp i Centrum", "running_title": "Läxhjälp i Centrum"}
    return pdf.render_pdf("pdf/minimal.html", {**context, "paragraphs": list(paragraphs)}, title=TITLE, fetcher=fetcher)


def test_a_download_is_a_tagged_swedish_pdf_ua_document_with_its_fonts_embedded():
    document = minimal("Vi träffas på måndag i Örebro.")

    assert_accessible_pdf(document, title=TITLE)
    assert_in_order(text_of(document), "Provdokument", "Läxhjälp i Centrum", "Vi träffas på måndag i Örebro.")
    info = pdfinfo(document)
    assert info["Title"] == TITLE
    assert info["Tagged"] == "yes"
    assert info["Page size"] == "595.276 x 841.89 pts (A4)"
    qpdf_check(document)


def test_user_markup_shows_as_text_and_fetches_nothing():
    typed = [
        '<img src="http://127.0.0.1:9/spy.png"> och <link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        "<style>body { display: none } @import url(http://127.0.0.1:9/y.css);</style>",
        "<p style=\"background: url('file:///etc/passwd')\">bakgrund</p> <script>alert(1)</script>",
    ]
    fetcher = pdf.StaticOnlyFetcher()

    document = minimal(*typed, fetcher=fetcher)

    text = "".join(text_of(document).split())  # long URLs wrap anywhere: compare without the line breaks
    for line in typed:
        assert "".join(line.split()) in text
    # Only the portal's own stylesheet and fonts were read, nothing was even asked for besides them.
    assert fetcher.refused == []
    assert fetcher.fetched
    assert all(url.startswith(pdf.BASE_URL + "static/") for url in fetcher.fetched)
    assert any(url.endswith("css/print-pdf.css") for url in fetcher.fetched)
    assert any(url.endswith(".ttf") for url in fetcher.fetched)
    assert page_count(document) == 1  # the CSS typed in did not hide or reflow anything


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/spy.png",
        "https://example.com/static/css/print-pdf.css",
        "file:///etc/passwd",
        "data:text/css,body{display:none}",
        pdf.BASE_URL + "media/pdf/anything.pdf",
        pdf.BASE_URL + "static/../portal/settings.py",
        pdf.BASE_URL + "static/%2e%2e/portal/settings.py",
        pdf.BASE_URL + "static/css/does-not-exist.css",
        pdf.BASE_URL + "admin/",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    fetcher = pdf.StaticOnlyFetcher()

    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files_from_disk():
    response = pdf.StaticOnlyFetcher().fetch(pdf.BASE_URL + "static/css/print-pdf.css")

    assert b"@font-face" in response.read()
    assert response.content_type == "text/css"


def test_a_template_that_asks_for_a_remote_resource_still_renders_without_it():
    fetcher = pdf.StaticOnlyFetcher()
    html = '<html lang="sv"><title>T</title><img src="http://127.0.0.1:9/x.png" alt="bild"><p>Text</p></html>'

    weasyprint.HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf()

    assert fetcher.refused == ["http://127.0.0.1:9/x.png"]


def test_swedish_letters_emoji_right_to_left_and_long_words_keep_the_layout():
    long_word = "Samverkansöverenskommelse" * 40  # 1,000 letters without a space
    document = minimal(
        "Åsa och Örjan äter smörgåsar på ängen.",
        "Emoji: 😀 👍 🎉 ✅ – och text efter dem.",
        "עברית: שלום עולם, ועוד מילים.",
        "العربية: مرحبا بالعالم.",
        long_word,
        "Sista raden.",
    )

    text = pdftotext(document)  # pypdf cannot read the custom CMap WeasyPrint writes for shaped scripts
    assert_in_order(
        text,
        "Åsa och Örjan äter smörgåsar på ängen.",
        "Emoji: 😀 👍 🎉 ✅ – och text efter dem.",  # DejaVu has 😀; the others show as empty boxes
        "שלום עולם",
        "مرحبا بالعالم",
        "Samverkansöverenskommelse",
        "Sista raden.",
    )
    assert page_count(document) == 1  # the long word wrapped inside the page instead of pushing it wider
    with pikepdf.open(io.BytesIO(document)) as opened:
        width = float(opened.pages[0].MediaBox[2])
    assert width == pytest.approx(595.28, abs=0.1)


def test_the_running_header_and_footer_are_artifacts_not_content():
    document = minimal(*["Ett stycke text som fyller sidan. " * 12] * 30)
    assert page_count(document) > 1

    text = text_of(document)
    pages = page_count(document)
    for number in range(1, pages + 1):
        assert f"Sida {number} av {pages}" in text  # printed on every page
    with pikepdf.open(io.BytesIO(document)) as opened:
        for page in opened.pages:
            marked = []
            current: list[str] = []
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(getattr(instruction, "operator", ""))
                if operator in ("BDC", "BMC"):
                    current.append(str(instruction.operands[0]))
                elif operator == "EMC" and current:
                    current.pop()
                elif operator in ("Tj", "TJ"):
                    marked.append(current[-1] if current else "")
            assert marked, "no text on the page"
            # All text is inside marked content: the structure tree's (a tag) or an artifact.
            assert "" not in marked
            assert "/Artifact" in marked  # the header and footer
        # Nothing in the parent tree points at the margin boxes' structure elements any more.
        nums = opened.Root.StructTreeRoot.ParentTree.Nums
        assert any(entry is None for entry in list(nums[1]))


def test_an_archive_copy_is_pdf_a_3a_and_pdf_ua_1_with_its_source_json_and_identifier():
    source = json.dumps(
        {"title": "Läxhjälp i Centrum", "sections": [{"heading": "Målbild", "text": "Fler klarar skolan."}]},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    identifier = hashlib.sha256(source).hexdigest()

    document = pdf.render_archive_pdf(
        "pdf/minimal.html",
        {"kind": "Arkivexemplar", "heading": "Läxhjälp i Centrum", "paragraphs": [f"Kontrollsumma: {identifier}"]},
        title="Arkivexemplar – Läxhjälp i Centrum",
        source_json=source,
        identifier=identifier,
        source_name="avsiktsforklaring-v1.json",
    )

    assert_accessible_pdf(document, title="Arkivexemplar – Läxhjälp i Centrum")
    assert xmp_value(document, PDFAID, "part") == "3"
    assert xmp_value(document, PDFAID, "conformance") == "A"
    assert xmp_value(document, PDFUAID, "part") == "1"
    embedded = attachments(document)
    assert embedded == {"avsiktsforklaring-v1.json": (source, "/Source")}
    assert json.loads(embedded["avsiktsforklaring-v1.json"][0]) == json.loads(source)
    assert hashlib.sha256(embedded["avsiktsforklaring-v1.json"][0]).hexdigest() in text_of(document)
    with pikepdf.open(io.BytesIO(document)) as opened:
        assert bytes(opened.trailer.ID[0]) == identifier.encode()
        assert "/OutputIntents" in opened.Root  # sRGB, as PDF/A asks
        assert [str(spec.AFRelationship) for spec in opened.Root.AF] == ["/Source"]
    qpdf_check(document)
    assert pdfinfo(document)["Tagged"] == "yes"


def test_a_cached_pdf_is_rendered_once_and_then_read_from_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    renders = []

    def render() -> bytes:
        renders.append(1)
        return minimal("Fastställd version.")

    first = pdf.cached_pdf("agreements/test/v1-abc.pdf", render)
    second = pdf.cached_pdf("agreements/test/v1-abc.pdf", render)

    assert renders == [1]
    assert first == second
    assert default_storage.exists("pdf/agreements/test/v1-abc.pdf")
    assert (tmp_path / "pdf" / "agreements" / "test" / "v1-abc.pdf").read_bytes() == first


def test_two_misses_at_once_keep_one_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def render_while_another_stores() -> bytes:
        # Another request stores the same document between our miss and our save.
        pdf.cached_pdf("agreements/race.pdf", lambda: b"%PDF-first")
        return b"%PDF-second"

    assert pdf.cached_pdf("agreements/race.pdf", render_while_another_stores) == b"%PDF-second"
    assert sorted(p.name for p in (tmp_path / "pdf" / "agreements").iterdir()) == ["race.pdf"]


@pytest.mark.parametrize(
    ("parts", "stem"),
    [
        (("Checklista", "Läxhjälp i Centrum"), "Checklista-Laxhjalp-i-Centrum"),
        (
            ("Avsiktsförklaring", "Gröna gårdar för unga vuxna", "v3"),
            "Avsiktsforklaring-Grona-gardar-for-unga-vuxna-v3",
        ),
        (("Checklista", 'Ø "ja"/../nej; æble\r\n'), "Checklista-O-ja-nej-aeble"),
        (("Checklista", "שלום 😀"), "Checklista"),
        (("", "!!!"), "dokument"),
    ],
)
def test_file_names_are_plain_ascii(parts, stem):
    assert pdf.file_stem(*parts) == stem


def test_the_content_disposition_has_an_ascii_name_and_the_exact_one():
    header = pdf.content_disposition("Checklista-Laxhjalp-i-Centrum", readable="Checklista – Läxhjälp i Centrum")

    assert header == (
        'attachment; filename="Checklista-Laxhjalp-i-Centrum.pdf"; '
        "filename*=UTF-8''Checklista%20%E2%80%93%20L%C3%A4xhj%C3%A4lp%20i%20Centrum.pdf"
    )


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Åsa och Örjan", "ltr"),
        ("עברית: שלום", "rtl"),
        ("  123 – العربية", "rtl"),  # digits and punctuation are not strong: the first letter decides
        ("Hej שלום", "ltr"),
        ("", "ltr"),
        ("😀 123", "ltr"),
    ],
)
def test_an_answer_takes_its_direction_from_its_first_strong_letter(text, direction):
    from collaboration.templatetags.pdf_text import text_direction

    assert text_direction(text) == direction
