"""Plain letters and reports as PDF (reportlab, DejaVu for umlauts): the rejection notice to
the supplier, the validation report and the approval history for the supplier's e-file."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..archive_pdf import fonts


def letter_pdf(*, title: str, body: str, author: str = "Aktenfluss") -> bytes:
    """A4 PDF of `title` and `body`; blank lines separate paragraphs, lines starting with
    "- " become list items."""
    regular, bold = fonts()
    base = ParagraphStyle("letter", fontName=regular, fontSize=10, leading=13.5, spaceAfter=5)
    heading = ParagraphStyle("letter-title", base, fontName=bold, fontSize=13, leading=17)
    item = ParagraphStyle("letter-item", base, leftIndent=12, firstLineIndent=-8, spaceAfter=2)
    story = [Paragraph(escape(title), heading), Spacer(1, 4 * mm)]
    for block in body.split("\n\n"):
        for line in block.strip("\n").split("\n") if block.lstrip().startswith("- ") else [block]:
            if line.startswith("- "):
                story.append(Paragraph("• " + escape(line[2:]), item))
            elif line.strip():
                story.append(Paragraph(escape(line).replace("\n", "<br/>"), base))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        creator="Aktenfluss",
    )
    document.build(story)
    return out.getvalue()
