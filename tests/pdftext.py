"""Text extracted from a PDF with poppler's pdftotext: what a reader's PDF viewer would show."""

from tests.printed import poppler


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), "not a PDF"
    return poppler("-layout", data=data)
