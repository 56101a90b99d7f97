"""Text extracted from a PDF with poppler's pdftotext: what a reader's PDF viewer would show."""

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), "not a PDF"
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed: .ci/run installs it"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603  (our own file, a fixed program)
            [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
