"""Laying out a PDF in a child process with a hard time limit (no Django here: the child never sets it up).

WeasyPrint's layout is where a PDF's time goes, and text can be made to be slow to lay out in ways no
estimate made beforehand catches. So `lay_out` does it in a child process forked from a forkserver
that has WeasyPrint loaded and warmed up (`collaboration.documents.pdf_forkserver`). The child may use `seconds` of
CPU (the kernel stops it then) and the parent waits at most twice that in wall-clock time before it kills
the child: no request waits longer, whatever the text, and layouts side by side on a busy machine are not
refused for sharing the cores. The child also gets a memory ceiling. Each render costs about 20 ms more than in the
same process (benchmark_pdf).

What the document may fetch (its stylesheet and fonts) is read in the parent, by `pdf.StaticOnlyFetcher`,
and handed over as bytes: the child fetches nothing itself, and refuses any URL it was not given.
The marking of margin boxes and the PDF/UA declaration (pikepdf) are done in the child too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import multiprocessing
import resource
import signal
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pikepdf
import weasyprint

logger = logging.getLogger(__name__)

# A child may use this much memory (address space) before its allocations fail; the fonts and an
# 80-page document take a fraction of it.
MEMORY_LIMIT_BYTES = 2 * 1024**3


class LayoutTimedOut(Exception):
    """The layout did not finish within its time: the child was stopped, nothing was made."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class LayoutFailed(RuntimeError):
    """The child failed (an exception, or it died): the child's traceback is the message."""


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str


@dataclass(frozen=True)
class AttachedSource:
    """A file attached to the PDF (the archive copy's `Source` JSON), as plain data."""

    content: bytes
    name: str
    description: str
    relationship: str = "Source"


@dataclass(frozen=True)
class Job:
    html: str
    base_url: str
    resources: Mapping[str, Resource]
    options: Mapping[str, Any] = field(default_factory=dict)
    attachment: AttachedSource | None = None
    declare_ua: bool = False


@dataclass
class Result:
    pdf: bytes
    refused: list[str]


class PreparedFetcher(weasyprint.urls.URLFetcher):
    """Serves only the resources it was given; every other URL is refused (and listed in `refused`)."""

    def __init__(self, resources: Mapping[str, Resource]) -> None:
        super().__init__(allowed_protocols=["https"])
        self.resources = resources
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> weasyprint.urls.URLFetcherResponse:
        found = self.resources.get(url)
        if found is None:
            self.refused.append(url)
            raise ValueError(f"Not one of the resources this document was given: {url}")
        return weasyprint.urls.URLFetcherResponse(
            url, body=found.body, headers={"Content-Type": found.content_type}, status=200
        )


def write(job: Job) -> Result:
    """Lay `job` out here, in this process: what the child does, and what tests call directly."""
    fetcher = PreparedFetcher(job.resources)
    options = dict(job.options)
    if job.attachment is not None:
        options["attachments"] = [
            weasyprint.Attachment(
                string=job.attachment.content,
                name=job.attachment.name,
                description=job.attachment.description,
                relationship=job.attachment.relationship,
                url_fetcher=fetcher,
            )
        ]
    document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
    pdf = document.write_pdf(**options)
    assert isinstance(pdf, bytes)
    pdf = mark_margin_boxes_as_artifacts(pdf)
    if job.declare_ua:
        pdf = declare_pdf_ua(pdf)
    return Result(pdf=pdf, refused=fetcher.refused)


def _child(job: Job, connection: Connection, seconds: float) -> None:
    # A platform that refuses a ceiling still has the parent's wall-clock limit.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    with contextlib.suppress(ValueError, OSError):
        cpu = max(1, math.ceil(seconds))  # whole seconds: SIGXCPU at the soft limit, SIGKILL a second later
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        outcome: tuple[str, Any] = ("done", write(job))
    except BaseException:
        outcome = ("failed", traceback.format_exc())
    connection.send(outcome)
    connection.close()


_context_lock = threading.Lock()
_context: multiprocessing.context.ForkServerContext | None = None


def _forkserver() -> multiprocessing.context.ForkServerContext:
    """This process's forkserver context, with WeasyPrint loaded and warmed up before any child forks."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["collaboration.documents.pdf_forkserver"])
            _context = context
        return _context


# The child's own CPU time is the limit (`RLIMIT_CPU`: the kernel stops it), so layouts running side by side on
# a busy machine are not refused for waiting their turn; the parent waits at most WALL_FACTOR times as long
# in wall-clock time, and stops the child itself then.
WALL_FACTOR = 2.0


def lay_out(job: Job, *, seconds: float) -> Result:
    """`job` laid out in a child process that may use `seconds` of CPU; `LayoutTimedOut` when it does not finish.

    The child is stopped whatever ends the wait: its time is up, it failed, or the wait itself was
    interrupted (a worker told to stop, an exception): no layout outlives the request that asked for it.
    """
    context = _forkserver()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(job, sending, seconds), name="pdf-layout", daemon=True)
    child.start()
    sending.close()
    try:
        if not receiving.poll(seconds * WALL_FACTOR):
            raise LayoutTimedOut(seconds)
        try:
            status, payload = receiving.recv()
        except EOFError as died:  # the child ended without a word: its CPU time was up, or it was killed
            child.join()
            if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                raise LayoutTimedOut(seconds) from died
            raise LayoutFailed(f"The PDF layout process ended with exit code {child.exitcode}") from died
    except BaseException:
        child.kill()
        child.join()
        raise
    finally:
        receiving.close()
    child.join(timeout=1)
    if child.is_alive():  # pragma: no cover - it sent everything; it only has to exit
        child.kill()
        child.join()
    if status == "failed":
        raise LayoutFailed(payload)
    assert isinstance(payload, Result)
    return payload


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
