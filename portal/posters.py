"""Print-ready QR posters: A4 for a wall, A6 for a desk, one counter per page.

Drawn with ReportLab (docs/decisions/0010-posters.md): a Pemda prints a thousand posters
at once, and laying them out as HTML with WeasyPrint took 33-66 s where drawing them
takes about 11 s. The QR code is drawn as vector rectangles from the module matrix, so
it stays sharp at any size; a module row's dark run is one rectangle.

Each poster carries the Pemda and unit name, the counter, the call to action in
Indonesian, the code (12 cm on A4, 7 cm on A6: a phone reads 12 cm from well over a
metre), and the link in text for anyone who cannot scan.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

GREEN = HexColor("#0b5d3b")
CALL = "Bagaimana pelayanan kami?"
SCAN = "Pindai kode ini untuk memberi penilaian"
PRIVACY = "Jawaban Anda anonim · Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017)"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
SIZES = {"a4": A4, "a6": A6}


@dataclass(frozen=True)
class Layout:
    """Sizes in points (type) and millimetres (everything else) for one paper size."""

    margin: float
    band: float
    pemda: float
    unit: float
    call: float
    scan: float
    qr: float
    counter: float
    url: float
    footer: float
    gap: float


LAYOUTS = {
    "a4": Layout(
        margin=16,
        band=58,
        pemda=15,
        unit=20,
        call=34,
        scan=18,
        qr=120,
        counter=28,
        url=10,
        footer=10,
        gap=9,
    ),
    "a6": Layout(
        margin=7,
        band=29,
        pemda=8,
        unit=10,
        call=17,
        scan=9.5,
        qr=62,
        counter=14,
        url=5.5,
        footer=5.5,
        gap=4,
    ),
}


@dataclass(frozen=True)
class Poster:
    pemda: str
    unit: str
    counter: str
    url: str


@cache
def _fonts() -> tuple[str, str]:
    """DejaVu Sans when the system has it (every Indonesian name prints), else Helvetica."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("PosterSans", str(regular)))
            pdfmetrics.registerFont(TTFont("PosterSans-Bold", str(bold)))
            return "PosterSans", "PosterSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(page, url: str, x: float, y: float, side: float) -> None:
    """Draw the code with its quiet zone (4 modules) inside the square at x, y."""
    rows = _matrix(url)
    count = len(rows)
    cell = side / (count + 8)
    left, top = x + 4 * cell, y + side - 4 * cell
    path = page.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(left + start * cell, top - (r + 1) * cell, (c - start) * cell, cell)
            else:
                c += 1
    page.setFillColor(HexColor("#000000"))
    page.drawPath(path, stroke=0, fill=1)


def _fit(text: str, font: str, size: float, width: float) -> float:
    """Shrink a one-line text's type size until it fits the width."""
    while size > 6 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _lines(page, text, font, size, y, width, text_width, *, most=2) -> float:
    """Draw text wrapped to at most ``most`` centred lines from y down; return y below."""
    page.setFont(font, size)
    for line in simpleSplit(text, font, size, text_width)[:most]:
        page.drawCentredString(width / 2, y, line)
        y -= size * 1.2
    return y


def _page(page, poster: Poster, size: str) -> None:
    width, height = SIZES[size]
    sizes = LAYOUTS[size]
    regular, bold = _fonts()
    text_width = width - 2 * sizes.margin * mm
    gap = sizes.gap * mm
    # The band: who is asking.
    band = sizes.band * mm
    page.setFillColor(GREEN)
    page.rect(0, height - band, width, band, stroke=0, fill=1)
    page.setFillColor(white)
    y = height - band / 2 + sizes.pemda * (0.9 if poster.pemda else -0.3)
    if poster.pemda:
        y = _lines(page, poster.pemda.upper(), bold, sizes.pemda, y, width, text_width) - 1 * mm
    _lines(page, poster.unit, regular, sizes.unit, y, width, text_width)
    # The call to action.
    page.setFillColor(HexColor("#15201b"))
    y = height - band - gap - sizes.call
    call = _fit(CALL, bold, sizes.call, text_width)
    page.setFont(bold, call)
    page.drawCentredString(width / 2, y, CALL)
    y = _lines(page, SCAN, regular, sizes.scan, y - sizes.call * 0.85, width, text_width)
    # The code, then the counter and the link.
    side = sizes.qr * mm
    qr_top = y - gap + sizes.scan
    _draw_qr(page, poster.url, (width - side) / 2, qr_top - side, side)
    y = qr_top - side - gap / 2 - sizes.counter
    y = _lines(page, poster.counter, bold, sizes.counter, y, width, text_width)
    _lines(page, poster.url, regular, sizes.url, y - 1 * mm, width, text_width, most=3)
    page.setFillColor(HexColor("#3d4a44"))
    _lines(
        page,
        PRIVACY,
        regular,
        sizes.footer,
        sizes.margin * mm * 0.8 + sizes.footer * 1.2,
        width,
        text_width,
    )


def render(posters: list[Poster], size: str = "a4") -> bytes:
    """Return one PDF with a page per poster."""
    if size not in SIZES:
        raise ValueError(f"Poster size must be one of {sorted(SIZES)}, not {size!r}.")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=SIZES[size], pageCompression=1)
    page.setTitle("Poster QR Survei Kepuasan Masyarakat")
    page.setCreator("Suara Layanan")
    for poster in posters:
        _page(page, poster, size)
        page.showPage()
    page.save()
    return buffer.getvalue()


def filename(*parts: str, size: str) -> str:
    """Return e.g. ``poster-pelayanan-ktp-el-loket-1-a4.pdf``."""
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-")[:50] for p in parts)
    return f"poster-{slug or 'loket'}-{size}.pdf"
