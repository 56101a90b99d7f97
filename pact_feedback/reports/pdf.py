"""Report PDFs: the same template as the web page, printed by WeasyPrint.

WeasyPrint renders our own HTML and CSS (no headless browser, no screenshots) and fetches only
local files: the stylesheet from `static/`. Tagged PDF/UA output keeps it readable by assistive
technology.
"""

from pathlib import Path

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).resolve().parent.parent.parent / "static"


class LocalFilesOnly(URLFetcher):
    """A report must never reach out to the network while printing."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC.as_uri()):
            raise ValueError(f"refusing to fetch {url} while printing a report")
        return super().fetch(url, headers)


def render_pdf(context: dict) -> bytes:
    """`context` is what `reports.presenting.report_context` gives the web page."""
    html = render_template("reports/pdf.html", for_print=True, **context)
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=LocalFilesOnly())
    return document.write_pdf(pdf_variant="pdf/ua-1")
