"""Letters of the administration as PDF: the building department's Eingangsbestätigung,
Nachforderung and Bescheid, the rejection notice to an invoice's supplier, and the reports
filed with an invoice.

`render_letter(letter)` lays out a `Letter` (letterhead, recipient, reference line, title,
sections of paragraphs, page numbers) with reportlab on A4 in DejaVu Sans, so umlauts and
typographic quotes come out right and the text layer is extractable. The wording is made by
the services (German, through gettext); this module only lays it out. No Django imports.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from invoicing.archive_pdf import fonts


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    authority: str
    authority_address: str
    recipient: tuple[str, ...]
    reference: str
    date: dt.date
    title: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    facts: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    signature: tuple[str, ...] = field(default_factory=tuple)
    reference_label: str = "Aktenzeichen"
    date_label: str = "Datum"
    page_label: str = "Seite {page}"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=12, leading=15),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=6
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontName=bold, fontSize=10.5, spaceBefore=8, spaceAfter=2
        ),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_letter(letter: Letter) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{letter.title} {letter.reference}",
        author=letter.authority,
        creator="Aktenfluss",
    )
    width = A4[0] - 45 * mm
    story: list = [
        _para(letter.authority, styles["head"]),
        _para(letter.authority_address, styles["small"]),
        Spacer(1, 10 * mm),
    ]
    story += [_para(line, styles["base"]) for line in letter.recipient]
    story.append(Spacer(1, 8 * mm))
    meta = Table(
        [
            [
                _para(letter.reference_label, styles["small"]),
                _para(letter.reference, styles["bold"]),
            ],
            [
                _para(letter.date_label, styles["small"]),
                _para(f"{letter.date:%d.%m.%Y}", styles["base"]),
            ],
        ],
        colWidths=[35 * mm, width - 35 * mm],
    )
    meta.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [meta, Spacer(1, 4 * mm), _para(letter.title, styles["title"]), Spacer(1, 3 * mm)]
    if letter.facts:
        facts = Table(
            [
                [_para(label, styles["small"]), _para(value, styles["base"])]
                for label, value in letter.facts
            ],
            colWidths=[45 * mm, width - 45 * mm],
        )
        facts.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cfd8dc")),
                ]
            )
        )
        story += [facts, Spacer(1, 3 * mm)]
    for section in letter.sections:
        if section.heading:
            story.append(_para(section.heading, styles["section"]))
        story += [_para(text, styles["base"]) for text in section.paragraphs]
    if letter.signature:
        story.append(Spacer(1, 8 * mm))
        story += [_para(line, styles["base"]) for line in letter.signature]

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(fonts()[0], 8)
        canvas.drawRightString(
            A4[0] - 20 * mm,
            12 * mm,
            f"{letter.reference} · " + letter.page_label.format(page=document.page),
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
