"""The demo's files, made at start-up: small real photos (JPEG and PNG, drawn with Pillow)
and a one-page PDF (fpdf2), so the portal's photo and document links download real files."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

# Water as it looks before and after a visit.
GREEN_WATER = "#4f7942"
CLEAR_WATER = "#3fa7d6"


def pool_photo(water: str, fmt: str = "JPEG", size: tuple[int, int] = (320, 240)) -> bytes:
    """A pool seen from above: deck, coping, water of the given colour, a ladder."""
    width, height = size
    image = Image.new("RGB", size, "#d8cbb3")  # the deck
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 30, width - 30, height - 30), radius=24, fill="#f4f1ea")
    draw.rounded_rectangle((42, 42, width - 42, height - 42), radius=18, fill=water)
    for rung in range(3):
        y = 60 + rung * 14
        draw.line((width - 70, y, width - 50, y), fill="#b0b0b0", width=3)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {"optimize": True}))
    return out.getvalue()


def report_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF report with a title and a few lines."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
