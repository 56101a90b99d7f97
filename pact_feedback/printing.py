"""The one PDF printer: every PDF the app makes (reports, QI summaries, ...) goes through here.

WeasyPrint renders our own HTML and CSS (no headless browser, no screenshots) and may fetch
only files under `static/`, so printing never reaches the network. Tagged PDF/UA output keeps
the document readable by assistive technology. Shared infrastructure: it imports nothing from
a feature package.
"""

from pathlib import Path

import weasyprint
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).resolve().parent.parent / "static"
# Part of what decides a kept printed copy (reports.pdf.fingerprint): a new WeasyPrint prints anew.
PRINTER = f"weasyprint {weasyprint.__version__}"


class LocalFilesOnly(URLFetcher):
    """A document may read our stylesheets and images, and nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC.as_uri() + "/"):
            raise ValueError(f"refusing to fetch {url} while printing")
        return super().fetch(url, headers)


def print_pdf(html: str, *, stylesheets: tuple[str, ...] = ()) -> bytes:
    """`html` as a tagged PDF; `stylesheets` are paths under `static/` (e.g. "css/x.css")."""
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=LocalFilesOnly())
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STATIC / name)) for name in stylesheets],
        pdf_variant="pdf/ua-1",
    )
