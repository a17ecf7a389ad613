"""Page numbers on the PDFs that wkhtmltopdf makes. Debian's wkhtmltopdf
(unpatched Qt) draws no header or footer, so Odoo's "page x of y" never
appears; it is stamped on each page afterwards, as Odoo stamps its own
banners (``odoo.tools.pdf.add_banner``)."""

import io
import os
import re

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo.tools.pdf import PdfReader, PdfWriter

# A font with both Hebrew and Latin glyphs (Debian's fonts-dejavu-core, which
# wkhtmltopdf's dependencies bring).
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
)
FONT = "CouncilPageNumbers"
RTL_WORD = re.compile("[\u0590-\u05ff\u0600-\u06ff]")


def _font():
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    for path in FONT_FILES:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont(FONT, path))
            return FONT
    return "Helvetica"


def visual_order(text, rtl):
    """``text`` in the order a PDF draws it, left to right. A right-to-left
    line of words and numbers: the words in reverse order, each Hebrew word
    reversed, numbers as they are (enough for "עמוד 12 מתוך 14")."""
    if not rtl:
        return text
    return " ".join(
        word[::-1] if RTL_WORD.search(word) else word
        for word in reversed(text.split(" "))
    )


def stamp(content, label, rtl=False):
    """The PDF ``content`` with ``label(page, total)`` at the foot of each
    page, centred."""
    source = PdfReader(io.BytesIO(content), strict=False)
    total = len(source.pages)
    packet = io.BytesIO()
    overlay = canvas.Canvas(packet)
    font = _font()
    for number in range(total):
        box = source.pages[number].mediabox
        width, height = float(box.width), float(box.height)
        overlay.setPageSize((width, height))
        overlay.setFont(font, 8)
        overlay.setFillColor(colors.grey)
        overlay.drawCentredString(
            width / 2, 7 * mm, visual_order(label(number + 1, total), rtl)
        )
        overlay.showPage()
    overlay.save()
    numbers = PdfReader(packet)
    result = PdfWriter()
    for number in range(total):
        page = source.pages[number]
        page.merge_page(numbers.pages[number])
        result.add_page(page)
    output = io.BytesIO()
    result.write(output)
    return output.getvalue()
