"""Searchable PDF derivative: the original pages (or the image frames as pages) with an
invisible OCR text layer added; born-digital pages are copied as they are. Document-level
JavaScript, open actions and page/annotation actions are left out of the copy."""

import io
from dataclasses import dataclass

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

from ..engines.base import Word
from .text_layer import FONT_NAME, PageGeometry, content_stream


@dataclass(frozen=True)
class OcrLayer:
    """Where the OCR words of one page go; `original_px` etc. as in PageGeometry."""

    words: tuple[Word, ...]
    original_px: tuple[int, int]
    rotation: int
    skew: float
    processed_px: tuple[int, int]


def image_page_pdf(frame: Image.Image, dpi: float) -> bytes:
    """One image frame as a one-page PDF at its scan resolution (Pillow picks the filter)."""
    if frame.mode not in ("1", "L", "RGB", "CMYK"):
        frame = frame.convert("RGB" if "A" in frame.mode or frame.mode == "P" else "L")
    buffer = io.BytesIO()
    frame.save(buffer, format="PDF", resolution=dpi)
    return buffer.getvalue()


def _font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _add_font(page: PageObject) -> None:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    resources = DictionaryObject(resources)  # own copy: resources may be shared between pages
    fonts = resources.get("/Font")
    fonts = DictionaryObject(fonts.get_object()) if fonts is not None else DictionaryObject()
    fonts[NameObject(FONT_NAME)] = _font()
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources


def _strip_actions(page: PageObject) -> None:
    if "/AA" in page:
        del page[NameObject("/AA")]
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        for key in ("/A", "/AA"):
            if key in annot:
                del annot[NameObject(key)]


def _add_text(writer: PdfWriter, page: PageObject, layer: OcrLayer) -> None:
    if page.get("/Rotate", 0):
        page.transfer_rotation_to_content()
    box = page.mediabox
    geometry = PageGeometry(
        original_px=layer.original_px,
        rotation=layer.rotation,
        skew=layer.skew,
        processed_px=layer.processed_px,
        box=(float(box.left), float(box.bottom), float(box.width), float(box.height)),
    )
    _add_font(page)
    # Added as streams of their own: the page's streams are not parsed or rewritten, only
    # bracketed by q … Q so that a graphics state they leave behind cannot move the text.
    contents = page.get("/Contents")
    streams = ArrayObject([writer._add_object(_stream(b"q\n"))])
    if contents is not None:
        existing = contents.get_object()
        if isinstance(existing, ArrayObject):
            streams.extend(existing)
        else:
            streams.append(contents if hasattr(contents, "idnum") else writer._add_object(existing))
    streams.append(writer._add_object(_stream(b"\nQ\n" + content_stream(layer.words, geometry))))
    page[NameObject("/Contents")] = streams


def build(
    *,
    pdf_data: bytes | None,
    image_pages: list[bytes],
    layers: dict[int, OcrLayer],
) -> bytes:
    """Derivative of a PDF (`pdf_data`) or of image frames (`image_pages`, one PDF each)."""
    writer = PdfWriter()
    if pdf_data is not None:
        reader = PdfReader(io.BytesIO(pdf_data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        sources = list(reader.pages)
    else:
        sources = [PdfReader(io.BytesIO(page)).pages[0] for page in image_pages]
    for index, source in enumerate(sources):
        page = writer.add_page(source)
        _strip_actions(page)
        if index in layers:
            _add_text(writer, page, layers[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
