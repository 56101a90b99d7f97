"""A printed PDF as its pages, lines and words with their positions (poppler's
`pdftotext -bbox-layout`, plus `pdftotext -layout` for the text a reader copies), so tests can
check what lands on which page and whether anything runs off it."""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    layout: str  # this page of `pdftotext -layout`

    def body(self, bottom_margin_mm: float) -> list[Line]:
        limit = self.height - bottom_margin_mm * MM
        return [line for line in self.lines if line.y1 <= limit]

    def foot(self, bottom_margin_mm: float) -> list[Line]:
        limit = self.height - bottom_margin_mm * MM
        return [line for line in self.lines if line.y0 > limit]

    def text(self, bottom_margin_mm: float) -> str:
        return " ".join(line.text for line in self.body(bottom_margin_mm))


def poppler(*args: str, data: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed: .ci/run installs it"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603  (our own file, a fixed program)
            [tool, *args, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def read_pages(data: bytes) -> list[Page]:
    assert data.startswith(b"%PDF"), "not a PDF"
    layouts = poppler("-layout", data=data).split("\f")
    soup = BeautifulSoup(poppler("-bbox-layout", data=data), "html.parser")
    pages = []
    for number, page in enumerate(soup.find_all("page"), start=1):
        lines = [
            Line(
                " ".join(w.get_text() for w in line.find_all("word")),
                *(float(line[k]) for k in ("xmin", "ymin", "xmax", "ymax")),
            )
            for line in page.find_all("line")
        ]
        pages.append(
            Page(number, float(page["width"]), float(page["height"]), lines, layouts[number - 1])
        )
    return pages
