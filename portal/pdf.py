"""HTML to PDF with WeasyPrint (docs/decisions/0008-pdf.md).

A printable page and its PDF are one template: the PDF is that page rendered by
WeasyPrint with the print stylesheet, so they cannot drift apart. WeasyPrint may fetch
nothing (``data:`` URLs only): a report holds citizens' comments, and no text in it may
make the server open a file or a URL. WeasyPrint needs Pango from the operating
system; without it the PDF is refused with a clear message and the page still prints.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from surveys.errors import SurveyError

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "print.css"


class PdfUnavailable(SurveyError):
    """This server cannot make PDFs (WeasyPrint or its system libraries are missing)."""

    http_status = 503


@cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango missing from the system
        raise PdfUnavailable(f"WeasyPrint cannot load: {error}") from error
    return weasyprint


@cache
def _stylesheet():
    weasyprint = _weasyprint()
    return weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"))


def render(html: str) -> bytes:
    """Return the PDF of an HTML document, laid out with the print stylesheet."""
    weasyprint = _weasyprint()
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, base_url="data:,", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[_stylesheet()])
