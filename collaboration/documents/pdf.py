"""PDF documents: this one module turns a template under templates/pdf/ into bytes.

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

import hashlib
import html as html_module
import logging
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import weasyprint
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from collaboration.documents import pdf_layout
from collaboration.print_text import MAX_PAGES, estimate_pages, printable

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


class DocumentRefused(Exception):
    """A document not made on this request, because it would hold the worker too long. Nothing changed."""


class DocumentTooLong(DocumentRefused):
    """The document would be longer than `MAX_PAGES`: it is not laid out at all (the text stays as it is)."""

    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages
        self.limit = MAX_PAGES


class DocumentTooSlow(DocumentRefused):
    """Its layout took longer than the time limit and was stopped (`pdf_layout.lay_out`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class DocumentFailed(DocumentRefused):
    """The layout process failed (out of memory, killed from outside): logged, nothing made."""


def _prefetch(html: str, fetcher: StaticOnlyFetcher) -> dict[str, pdf_layout.Resource]:
    """What `html` links to (stylesheets, images) and what those stylesheets ask for (fonts), read here.

    The layout child gets these bytes and nothing else; a URL that is not a static file of the portal is
    refused here (and listed in `fetcher.refused`), so the child never sees it.
    """
    resources: dict[str, pdf_layout.Resource] = {}
    pending = [
        urljoin(BASE_URL, html_module.unescape(link.group(1) or link.group(2))) for link in _LINKED.finditer(html)
    ]
    while pending:
        url = pending.pop()
        if url in resources or url in fetcher.refused:
            continue
        try:
            response = fetcher.fetch(url)
        except RefusedURL:
            continue
        body = response.read()
        resources[url] = pdf_layout.Resource(body=body, content_type=response.content_type or "")
        if response.content_type == "text/css":
            text = body.decode("utf-8", "replace")
            pending.extend(urljoin(url, found.group(1).strip()) for found in _CSS_URL.finditer(text))
    return resources


_LINKED = re.compile(r'<link\b[^>]*?\bhref="([^"]+)"|<img\b[^>]*?\bsrc="([^"]+)"')
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")

# A document stopped for its time is remembered for a while (by its text, digits left out so that the printing
# time in it does not count), and refused at once when asked for again unchanged.
_REFUSED = "pdf-refused:"
REFUSAL_KEPT_SECONDS = 600
_NOT_DIGITS = re.compile(r"[0-9]")

# How long one document may take to lay out: on request (settings.PDF_RENDER_SECONDS), or longer in the
# task worker, which sets its own with `time_limit`. A request is never held longer than this.
_limit: ContextVar[float | None] = ContextVar("pdf_time_limit", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Lay out the documents made inside this block with `seconds` each (the task worker's longer limit)."""
    token = _limit.set(seconds)
    try:
        yield
    finally:
        _limit.reset(token)


def _seconds() -> float:
    from django.conf import settings

    chosen = _limit.get()
    return chosen if chosen is not None else float(settings.PDF_RENDER_SECONDS)


def _write(
    template_name: str,
    context: Mapping[str, Any],
    *,
    fetcher: StaticOnlyFetcher | None = None,
    attachment: pdf_layout.AttachedSource | None = None,
    declare_ua: bool = False,
    **options: Any,
) -> bytes:
    fetcher = fetcher or StaticOnlyFetcher()
    html = printable(_html(template_name, context))
    pages = estimate_pages(html)
    if pages > MAX_PAGES:
        # Refused before layout, which is where the time goes: no request holds a worker for long.
        logger.info("A PDF of about %d pages from %s was refused (limit %d).", pages, template_name, MAX_PAGES)
        raise DocumentTooLong(pages)
    job = pdf_layout.Job(
        html=html,
        base_url=BASE_URL,
        resources=_prefetch(html, fetcher),
        options=options,
        attachment=attachment,
        declare_ua=declare_ua,
    )
    seconds = _seconds()
    memo = _REFUSED + hashlib.sha256(_NOT_DIGITS.sub("", html).encode() + repr(sorted(options)).encode()).hexdigest()
    if (remembered := cache.get(memo)) is not None and remembered >= seconds:
        # Stopped a moment ago with at least this much time: not laid out again (not even for a HEAD).
        raise DocumentTooSlow(seconds)
    try:
        result = pdf_layout.lay_out(job, seconds=seconds)
    except pdf_layout.LayoutTimedOut:
        logger.warning("A PDF from %s took more than %s s to lay out and was stopped.", template_name, seconds)
        cache.set(memo, seconds, REFUSAL_KEPT_SECONDS)
        raise DocumentTooSlow(seconds) from None
    except pdf_layout.LayoutFailed:
        logger.exception("The layout process of a PDF from %s failed.", template_name)
        raise DocumentFailed() from None
    for url in result.refused:
        fetcher.refused.append(url)
        logger.warning("A PDF asked for %s, which is not a static file of the portal; refused.", url)
    return result.pdf


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
    return _write(
        template_name,
        {**context, "pdf_title": title},
        fetcher=fetcher,
        attachment=pdf_layout.AttachedSource(
            content=source_json, name=source_name, description="Källdata för dokumentet (JSON)"
        ),
        declare_ua=True,
        pdf_variant="pdf/a-3a",
        pdf_identifier=identifier.encode(),
    )


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
