"""QR codes as bytes: PNG for printing, SVG for posters that scale."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

# Medium error correction survives a scuffed or partly taped-over poster.
_OPTIONS = {"error_correction": ERROR_CORRECT_M, "border": 4}


def png(data: str, box_size: int = 10) -> bytes:
    code = qrcode.QRCode(box_size=box_size, **_OPTIONS)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def svg(data: str) -> bytes:
    code = qrcode.QRCode(image_factory=qrcode.image.svg.SvgPathImage, **_OPTIONS)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode").encode("utf-8")
