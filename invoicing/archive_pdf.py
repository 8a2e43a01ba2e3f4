"""The archive PDF of a received invoice: the German presentation with its findings.

`invoice_pdf(presentation)` renders an `InvoicePresentation` (see `invoicing.presentation`)
with reportlab platypus on A4: title, verdict summary, the sections as label/value tables,
the lines as a table (details and findings below each line), the remaining findings, and
"Seite x von y" in the footer. The font is DejaVu Sans (umlauts, €, typographic quotes)
embedded from the Debian font directory; without it reportlab's Helvetica is used (the
standard fonts cover German umlauts and € but not every character) and a warning is logged.
Pure Python, no Django.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from invoicing.presentation import FieldView, FindingView, InvoicePresentation, Section

logger = logging.getLogger(__name__)

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
MAX_CELL_CHARS = 3000  # a single table cell must fit on a page
ERROR = colors.HexColor("#b00020")
WARNING = colors.HexColor("#8a5300")
INFO = colors.HexColor("#37474f")
VERDICT_COLOURS = {
    "valid": (colors.HexColor("#1b5e20"), colors.HexColor("#e8f5e9")),
    "invalid": (ERROR, colors.HexColor("#fdecee")),
    "unchecked": (WARNING, colors.HexColor("#fff4e0")),
}
LEVEL_COLOURS = {"error": ERROR, "warning": WARNING, "information": INFO}
LEVEL_WORDS = {"error": "Fehler", "warning": "Warnung", "information": "Hinweis"}
TEXTS = {
    "page": "Seite {page} von {pages}",
    "summary": "Prüfergebnis",
    "errors": "Fehler",
    "warnings": "Warnungen",
    "subject": "Empfangene E-Rechnung mit Prüfergebnis",
    "creator": "Aktenfluss",
    "no_value": "nicht angegeben",
    "details": "Weitere Angaben",
}


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed, else Helvetica."""
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file():
            try:
                pdfmetrics.registerFont(TTFont("AfDejaVuSans", str(regular)))
                bold_name = "AfDejaVuSans"
                if bold.is_file():
                    pdfmetrics.registerFont(TTFont("AfDejaVuSans-Bold", str(bold)))
                    bold_name = "AfDejaVuSans-Bold"
                return "AfDejaVuSans", bold_name
            except Exception:  # a broken font file must not stop the archive PDF
                logger.exception("could not load %s", regular)
    logger.warning(
        "DejaVu Sans not found (apt-get install fonts-dejavu-core); the archive PDF uses "
        "Helvetica, which lacks some characters"
    )
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("af-base", fontName=regular, fontSize=9, leading=11.5)
    return {
        "base": base,
        "title": ParagraphStyle("af-title", base, fontName=bold, fontSize=15, leading=19),
        "h2": ParagraphStyle(
            "af-h2", base, fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3
        ),
        "h3": ParagraphStyle(
            "af-h3", base, fontName=bold, fontSize=10, leading=13, spaceBefore=4, spaceAfter=2
        ),
        "label": ParagraphStyle("af-label", base, fontName=bold, fontSize=8.5, leading=11),
        "small": ParagraphStyle("af-small", base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("af-cell", base, fontSize=8, leading=10),
        "num": ParagraphStyle("af-num", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle("af-head", base, fontName=bold, fontSize=8, leading=10),
        "verdict": ParagraphStyle("af-verdict", base, fontName=bold, fontSize=11, leading=14),
        "finding": ParagraphStyle("af-finding", base, fontSize=8.5, leading=11, leftIndent=6),
    }


def _text(value: str | None, limit: int = MAX_CELL_CHARS) -> str:
    """Escaped paragraph markup; line breaks kept, overlong text cut."""
    text = value or ""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text).replace("\n", "<br/>")


def _finding(f: FindingView, styles, *, location: bool = False) -> Paragraph:
    colour = LEVEL_COLOURS.get(f.level, INFO).hexval().replace("0x", "#")
    where = f" · {_text(f.location, 300)}" if location and f.location else ""
    return Paragraph(
        f'<font color="{colour}"><b>{LEVEL_WORDS.get(f.level, "")}:</b> {_text(f.message)}'
        f' <font size="7">[{_text(f.rule, 200)}{where}]</font></font>',
        styles["finding"],
    )


def _field_cell(item: FieldView, styles, style: str = "cell") -> list:
    value = _text(item.value) if item.value else f"<i>{TEXTS['no_value']}</i>"
    return [Paragraph(value, styles[style]), *(_finding(f, styles) for f in item.findings)]


def _table_style(extra=()) -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            *extra,
        ]
    )


def _fields_table(fields, styles, width: float) -> Table:
    rows = [
        [Paragraph(_text(item.label, 300), styles["label"]), _field_cell(item, styles)]
        for item in fields
    ]
    table = Table(rows, colWidths=[width * 0.34, width * 0.66], splitInRow=1)
    table.setStyle(
        _table_style([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd"))])
    )
    return table


def _lines(section: Section, columns: tuple[str, ...], styles, width: float) -> list:
    shares = (0.08, 0.29, 0.09, 0.12, 0.14, 0.15, 0.13)
    widths = [width * s for s in shares]
    numeric = {2, 4, 5, 6}
    story: list = []
    header = Table(
        [
            [
                Paragraph(
                    _text(c).replace(" (", '<br/><font size="6">(') + "</font>", styles["head"]
                )
                if " (" in c
                else Paragraph(_text(c), styles["head"])
                for c in columns
            ]
        ],
        colWidths=widths,
    )
    header.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eeeeee")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story.append(header)
    for line in section.lines:
        cells = []
        for i, cell in enumerate(line.columns):
            value = cell.value
            if i == 0 and line.depth:
                value = "↳ " * line.depth + value
            style = "num" if i in numeric else "cell"
            cells.append(
                [
                    Paragraph(_text(value, 600), styles[style]),
                    *(_finding(f, styles) for f in cell.findings),
                ]
            )
        row = Table([cells], colWidths=widths, splitInRow=1)
        row.setStyle(_table_style([("LINEABOVE", (0, 0), (-1, 0), 0.25, colors.grey)]))
        story.append(row)
        for f in line.findings:
            story.append(_finding(f, styles))
        if line.details:
            indent = width * 0.07
            details = _fields_table(line.details, styles, width - indent)
            details.hAlign = "RIGHT"
            story.append(details)
    return story


def _summary(p: InvoicePresentation, styles, width: float) -> Table:
    summary = p.summary
    colour, background = VERDICT_COLOURS.get(summary.verdict, (INFO, colors.white))
    counts = f" ({_text(summary.counts)})" if summary.counts else ""
    content: list = [
        Paragraph(TEXTS["summary"], styles["h3"]),
        Paragraph(_text(summary.sentence) + counts, styles["verdict"]),
        Paragraph(_text(p.format_text), styles["small"]),
    ]
    for title, items in ((TEXTS["errors"], summary.errors), (TEXTS["warnings"], summary.warnings)):
        if items:
            content.append(Paragraph(title, styles["h3"]))
            content.extend(_finding(f, styles, location=True) for f in items)
    box = Table([[content]], colWidths=[width], splitInRow=1)
    box.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("LINEBEFORE", (0, 0), (0, -1), 4, colour),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _numbered_canvas(font: str):
    class NumberedCanvas(pdfcanvas.Canvas):
        """Defers the pages so the footer can say "Seite x von y"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.setFillColor(colors.grey)
                self.drawRightString(
                    A4[0] - 18 * mm,
                    10 * mm,
                    TEXTS["page"].format(page=self._pageNumber, pages=total),
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def invoice_pdf(presentation: InvoicePresentation) -> bytes:
    """The archive PDF (A4) of `presentation`; see the module docstring."""
    styles = _styles()
    regular, _bold = fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=presentation.title,
        author=presentation.seller_name or "",
        subject=TEXTS["subject"],
        creator=TEXTS["creator"],
        lang="de-DE",
    )
    width = doc.width
    story: list = [
        Paragraph(_text(presentation.title, 500), styles["title"]),
        Spacer(1, 4),
        _summary(presentation, styles, width),
    ]
    for section in presentation.sections:
        heading = _text(section.title) + (
            f' <font size="8">({section.term})</font>' if section.term else ""
        )
        head = [Paragraph(heading, styles["h2"])]
        head.extend(_finding(f, styles) for f in section.findings)
        body: list = []
        for block in section.blocks:
            if block.title:
                body.append(Paragraph(_text(block.title), styles["h3"]))
            body.extend(_finding(f, styles) for f in block.findings)
            if block.fields:
                body.append(_fields_table(block.fields, styles, width))
        if section.lines:
            body.extend(_lines(section, presentation.line_columns, styles, width))
        # keep the heading with the start of its content
        story.append(KeepTogether(head + body[:1]))
        story.extend(body[1:])
    if presentation.other:
        story.append(Paragraph(_text(presentation.other_title), styles["h2"]))
        story.extend(_finding(f, styles) for f in presentation.other)
    doc.build(story, canvasmaker=_numbered_canvas(regular))
    return buffer.getvalue()
