"""Reading PDFs back in tests: text, catalogue entries, metadata, fonts, attachments, and the command-line checks.

pdfinfo (poppler-utils) and qpdf are run where installed (portal/scripts/test installs them when it can).
Without them a test that needs them skips with a loud reason; with CI=true it fails instead.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pypdf
import pytest


def text_of(pdf: bytes) -> str:
    """All pages' text in reading order, whitespace folded to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages)).strip()


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def assert_in_order(text: str, *parts: str) -> None:
    """Each part occurs in `text`, after the one before it."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing (or out of order) after position {position}"
        position = found + len(part)


def xmp(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return document.Root.Metadata.read_bytes().decode()


PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"


def xmp_value(pdf: bytes, namespace: str, name: str) -> str | None:
    """One entry of the XMP metadata, however it is written (attribute or element)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        value = meta.get(f"{{{namespace}}}{name}")
    return None if value is None else str(value)


def fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the pages use, by base name, and whether its program is embedded."""
    found: dict[str, bool] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in page.Resources.get("/Font", pikepdf.Dictionary()).values():
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                found[str(font.BaseFont)] = embedded
    return found


def assert_accessible_pdf(pdf: bytes, *, title: str) -> None:
    """Tagged, Swedish, titled, fonts embedded, and declared PDF/UA-1."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        assert str(root.Lang) == "sv"
        assert str(document.docinfo.Title) == title
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert len(root.StructTreeRoot.K) > 0
        assert root.ViewerPreferences.DisplayDocTitle
    used = fonts(pdf)
    assert used, "the document uses no font"
    assert all(used.values()), f"fonts not embedded: {[name for name, ok in used.items() if not ok]}"
    assert xmp_value(pdf, PDFUAID, "part") == "1", "PDF/UA-1 is not declared in the XMP metadata"


def attachments(pdf: bytes) -> dict[str, tuple[bytes, str]]:
    """Embedded files by name: their bytes and their /AFRelationship."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {
            name: (spec.get_file().read_bytes(), str(spec.obj.get("/AFRelationship", "")))
            for name, spec in document.attachments.items()
        }


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = (
            f"PDF TOOL CHECK SKIPPED: `{name}` is not installed (Debian: poppler-utils / qpdf). "
            "portal/scripts/test installs it when run as root."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message.replace("SKIPPED", "FAILED") + " With CI=true nothing skips.")
        pytest.skip(message)
    return path


def pdfinfo(pdf: bytes) -> dict[str, str]:
    """What poppler's pdfinfo says about the document."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        output = subprocess.run(
            [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def pdftotext(pdf: bytes) -> str:
    """poppler's text of the document, whitespace folded: it reads fonts pypdf cannot (custom CMaps for
    right-to-left scripts)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        output = subprocess.run(
            [_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    return re.sub(r"\s+", " ", output).strip()


def qpdf_check(pdf: bytes) -> None:
    """qpdf finds no syntax or stream errors (exit 0; 2 means errors, 3 warnings)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        result = subprocess.run([_tool("qpdf"), "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
