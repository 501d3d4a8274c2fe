"""PDF documents: one module turns a template under templates/pdf/ into bytes (style.md, convention 7).

Two kinds of output, both tagged (structure tree, `/Lang` from `<html lang>`, `/Title` from `<title>`):

* `render_pdf`: what a person downloads, PDF/UA-1;
* `render_archive_pdf`: an archive copy, PDF/A-3a that also declares PDF/UA-1, with the
  document's source data embedded as a `Source` attachment and an identifier of our choice
  (a content hash) as the PDF's document ID.

Nothing is fetched over the network: `StaticOnlyFetcher` serves the portal's own static files
from disk and refuses every other URL, so markup that a user typed (shown escaped anyway) could
never make the renderer fetch anything. A rendered document that never changes can be kept in
Django's storage with `cached_pdf`.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pikepdf
import weasyprint
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

# The documents' base URL. It names no real host: only our own static files are served under it.
BASE_URL = "https://samverkansportalen.invalid/"
MEDIA_TYPE = "application/pdf"


class RefusedURL(ValueError):
    """A document asked for something that is not one of the portal's static files."""


class StaticOnlyFetcher(weasyprint.urls.URLFetcher):
    """Serve `BASE_URL` + STATIC_URL + <path> from the static files on disk; refuse everything else.

    No HTTP (not even to the portal itself), no file:// URLs, no data: URLs. `fetched` and
    `refused` record what a render asked for, which the tests read.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"])  # its urllib handlers are never used: fetch is ours
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> weasyprint.urls.URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("A PDF asked for %s, which is not a static file of the portal; refused.", url)
            raise RefusedURL(f"Only the portal's static files are served to PDFs, not {url}")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}, status=200
        )

    @staticmethod
    def _static_path(url: str) -> Path | None:
        from django.conf import settings

        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
            return None
        name = unquote(parts.path[len(static_prefix) :])
        normalised = posixpath.normpath(name)
        if not name or normalised.startswith(("..", "/")) or normalised != name:
            return None
        # A collected (possibly hashed) file first, as production serves it; else the source file.
        try:
            if staticfiles_storage.exists(name):
                collected = Path(staticfiles_storage.path(name))
                if collected.is_file():
                    return collected
        except (NotImplementedError, ValueError):
            pass  # a storage without local paths, or a name outside it
        found = finders.find(name)
        return Path(found) if isinstance(found, str) and Path(found).is_file() else None


def _html(template_name: str, context: Mapping[str, Any]) -> str:
    return render_to_string(template_name, dict(context))


# How much one request may lay out. WeasyPrint takes about 25–35 ms a page on the 2-core reference
# machine (benchmark_pdf), so the cap keeps the worst document a person can ask for near two seconds.
# The estimate is made from the document's HTML before any layout: every line of text (a line break in
# text people typed is kept, `white-space: pre-wrap`) counts, a long one as many lines as it wraps into.
MAX_PAGES = 80
CHARS_PER_LINE = 70  # fewer than the ~75 a line of the body text holds: the estimate errs long
LINES_PER_PAGE = 48  # fewer than the ~49 lines a page holds
_TAG = re.compile(r"<[^>]*>")


class DocumentTooLong(Exception):
    """The document would be longer than `MAX_PAGES`: it is not laid out at all (the text stays as it is)."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages
        self.limit = MAX_PAGES


def estimate_pages(html: str) -> int:
    """A quick upper estimate of the pages `html` fills, without laying it out (linear in its length)."""
    import html as html_module

    lines = 0
    for line in html_module.unescape(_TAG.sub("", html)).split("\n"):
        lines += max(1, -(-len(line.strip()) // CHARS_PER_LINE))
    return 1 + lines // LINES_PER_PAGE


# A run of text with no break opportunity longer than this gets one (a zero-width space) every BREAK_EVERY
# characters. WeasyPrint finds a place to break a too-long word (`overflow-wrap: anywhere`) at a cost of
# milliseconds per wrapped line: 220,000 characters of 100-letter words took 17 s to lay out, as prose 2 s.
# Longer than a SHA-256 (64), which is printed whole on one line.
LONG_RUN = 72
BREAK_EVERY = 36
_BODY_TEXT = re.compile(r"(?s)(<body\b.*?>)(.*)(</body>)")
_TEXT_NODE = re.compile(r">([^<]+)<")
_LONG_RUN = re.compile(rf"(?:&[#0-9A-Za-z]+;|[^\s&\u200b]){{{LONG_RUN + 1},}}")
_UNIT = re.compile(r"&[#0-9A-Za-z]+;|.", re.S)


def breakable(html: str) -> str:
    """`html` with a zero-width space every BREAK_EVERY characters in each very long run of body text.

    Entities stay whole; only text between tags in the body changes, never markup, attributes or the title.
    """

    def run(match: re.Match[str]) -> str:
        units = _UNIT.findall(match.group())
        return "\u200b".join("".join(units[i : i + BREAK_EVERY]) for i in range(0, len(units), BREAK_EVERY))

    def text(match: re.Match[str]) -> str:
        return ">" + _LONG_RUN.sub(run, match.group(1)) + "<"

    def body(match: re.Match[str]) -> str:
        return match.group(1) + _TEXT_NODE.sub(text, match.group(2)) + match.group(3)

    return _BODY_TEXT.sub(body, html, count=1)


def _write(
    template_name: str, context: Mapping[str, Any], *, fetcher: StaticOnlyFetcher | None = None, **options: Any
) -> bytes:
    fetcher = fetcher or StaticOnlyFetcher()
    html = breakable(_html(template_name, context))
    pages = estimate_pages(html)
    if pages > MAX_PAGES:
        # Refused before layout, which is where the time goes: no request holds a worker for long.
        logger.info("A PDF of about %d pages from %s was refused (limit %d).", pages, template_name, MAX_PAGES)
        raise DocumentTooLong(pages)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(**options)
    assert isinstance(pdf, bytes)
    return mark_margin_boxes_as_artifacts(pdf)


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, title: str, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """A tagged PDF/UA-1 document from a template under templates/pdf/.

    `title` becomes the document's `<title>` (the template puts `pdf_title` there), hence its
    `/Title`, which PDF viewers show instead of the file name.
    """
    return _write(template_name, {**context, "pdf_title": title}, fetcher=fetcher, pdf_variant="pdf/ua-1")


def render_archive_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    title: str,
    source_json: bytes,
    identifier: str,
    source_name: str = "source.json",
    fetcher: StaticOnlyFetcher | None = None,
) -> bytes:
    """A PDF/A-3a archive copy that also declares PDF/UA-1, carrying `source_json` as its `Source`.

    `identifier` (e.g. a version's SHA-256 in hex) becomes the PDF's document ID, so the file
    names the content it was made from. The PDF/UA-1 declaration (the `pdfuaid:part` XMP
    entry) is added after rendering: WeasyPrint writes one variant's identification only.
    """
    attachment = weasyprint.Attachment(
        string=source_json,
        name=source_name,
        description="Källdata för dokumentet (JSON)",
        relationship="Source",
        url_fetcher=fetcher or StaticOnlyFetcher(),
    )
    pdf = _write(
        template_name,
        {**context, "pdf_title": title},
        fetcher=fetcher,
        pdf_variant="pdf/a-3a",
        pdf_identifier=identifier.encode(),
        attachments=[attachment],
    )
    return declare_pdf_ua(pdf)


PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"


def declare_pdf_ua(pdf: bytes) -> bytes:
    """Add `pdfuaid:part=1` to the XMP metadata: the document says it conforms to PDF/UA-1 too."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.register_xml_namespace(PDFUA_NS, "pdfuaid")
            meta[f"{{{PDFUA_NS}}}part"] = "1"
        if "/AF" in document.Root:
            # WeasyPrint 70 lists each attached file twice in the catalogue's /AF: once is enough.
            unique = {spec.objgen: spec for spec in document.Root.AF}
            document.Root.AF = pikepdf.Array(list(unique.values()))
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def mark_margin_boxes_as_artifacts(pdf: bytes) -> bytes:
    """Turn the page-margin boxes' marked content (running header, "Sida X av Y") into artifacts.

    WeasyPrint 70 tags margin-box text as ordinary marked content with an MCID but links it to
    no structure element in the tree (WeasyPrint issue #1836), so checkers report untagged
    content and some readers skip it anyway. Here every MCID on a page that the structure tree
    does not reach becomes `/Artifact <</Type /Pagination>> BDC`, which is what PDF/UA asks
    for page headers and footers. A PDF without a structure tree is returned unchanged.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        reached = _reachable_mcids(document, root)
        parent_tree = _flat_parent_tree(root)
        changed = False
        for number, page in enumerate(document.pages):
            kept = reached.get(number, set())
            rewritten: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
            artifacts: list[int] = []
            for instruction in pikepdf.parse_content_stream(page):
                if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                    rewritten.append(instruction)  # an inline image, kept as it is
                    continue
                operands, operator = instruction.operands, instruction.operator
                if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                    if mcid is not None and int(mcid) not in kept:  # type: ignore[call-overload]
                        properties = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
                        rewritten.append(
                            pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact, properties], operator)
                        )
                        artifacts.append(int(mcid))  # type: ignore[call-overload]
                        continue
                rewritten.append(pikepdf.ContentStreamInstruction(operands, operator))
            if artifacts:
                page.Contents = document.make_stream(pikepdf.unparse_content_stream(rewritten))
                # The parent tree no longer maps those MCIDs to the structure elements nobody reaches.
                mapping = parent_tree.get(int(page.obj.get("/StructParents", -1)))
                if mapping is not None:
                    for artifact in artifacts:
                        if artifact < len(mapping):
                            mapping[artifact] = None
                changed = True
        if not changed:
            return pdf
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _flat_parent_tree(root: pikepdf.Object) -> dict[int, pikepdf.Array]:
    """The structure parent tree's page arrays by key (WeasyPrint writes one flat /Nums array)."""
    nums = root.get("/ParentTree", pikepdf.Dictionary()).get("/Nums", pikepdf.Array())
    pairs = zip(list(nums)[0::2], list(nums)[1::2], strict=False)
    return {int(key): value for key, value in pairs if isinstance(value, pikepdf.Array)}


def _reachable_mcids(document: pikepdf.Pdf, root: pikepdf.Object) -> dict[int, set[int]]:
    """The MCIDs each page's content has in the structure tree, found by walking down from its root."""
    page_numbers = {page.obj.objgen: number for number, page in enumerate(document.pages)}
    found: dict[int, set[int]] = {}
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object, int | None]] = [(root, None)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((child, page) for child in node)
            continue
        if isinstance(node, int):  # pikepdf hands PDF integers over as Python ints
            if page is not None:
                found.setdefault(page, set()).add(int(node))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if "/Pg" in node:
            page = page_numbers.get(node.Pg.objgen, page)
        if "/MCID" in node:
            if page is not None:
                found.setdefault(page, set()).add(int(node.MCID))
            continue
        if "/K" in node:
            stack.append((node.K, page))
    return found


# File names -----------------------------------------------------------------------------------------

# Letters NFKD does not take apart into an ASCII letter and an accent.
_TRANSLITERATE = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L"}
)
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def file_stem(*parts: str) -> str:
    """An ASCII file name stem from Swedish words: ("Checklista", "Läxhjälp i Centrum") → "Checklista-Laxhjalp-i-Centrum".

    Safe in every browser and file system (letters, digits and hyphens); the exact title goes in
    the header's `filename*` (see `content_disposition`).
    """
    text = unicodedata.normalize("NFKD", " ".join(parts).translate(_TRANSLITERATE))
    ascii_text = text.encode("ascii", "ignore").decode()
    return _NOT_WORD.sub("-", ascii_text).strip("-")[:120].rstrip("-") or "dokument"


def content_disposition(stem: str, *, readable: str | None = None) -> str:
    """`attachment` with an ASCII `filename` and, for the name with its å, ä, ö, an RFC 5987 `filename*`."""
    fallback = f"{stem}.pdf"
    header = f'attachment; filename="{fallback}"'
    if readable:
        header += f"; filename*=UTF-8''{quote(readable + '.pdf', safe='')}"
    return header


# Storage --------------------------------------------------------------------------------------------

CACHE_PREFIX = "pdf/"


def cached_pdf(name: str, render: Callable[[], bytes]) -> bytes:
    """The PDF kept under `name` in Django's default storage, rendered (once) and kept if missing.

    Only for documents that never change once made (a fixed version of an agreement): `name`
    must say which content it is, e.g. `agreements/<code>/v3-<sha256>.pdf`. Two requests that
    miss at the same time both render; the second copy is dropped, the first one is kept.
    """
    path = CACHE_PREFIX + name
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as stored:
            return stored.read()
    pdf = render()
    saved = default_storage.save(path, ContentFile(pdf))
    if saved != path:
        default_storage.delete(saved)  # another request stored it meanwhile: keep one file
    return pdf


def generated_at() -> datetime:
    """When a document was made, in the portal's time zone (printed on every document)."""
    return timezone.localtime()
