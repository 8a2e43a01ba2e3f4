"""Small page images for the clerk's screen, rendered in memory (pypdfium2 / Pillow)."""

import io

import pypdfium2 as pdfium
from PIL import Image

PREVIEW_WIDTH = 900  # px: readable on screen, cheap to render


def _png(image: Image.Image, width: int) -> bytes:
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)))
    buffer = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L") else "RGB").save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def page_preview(data: bytes, *, pdf: bool, number: int, width: int = PREVIEW_WIDTH) -> bytes:
    """PNG of page `number` (1-based) of a PDF or a (multi-page) image; IndexError if absent.

    Only for documents that were read successfully, so the size guards have already passed.
    """
    if number < 1:
        raise IndexError(number)
    if pdf:
        document = pdfium.PdfDocument(data)
        try:
            if number > len(document):
                raise IndexError(number)
            page = document[number - 1]
            scale = width / page.get_width()
            return _png(page.render(scale=scale).to_pil(), width)
        finally:
            document.close()
    with Image.open(io.BytesIO(data)) as image:
        frames = getattr(image, "n_frames", 1)
        if number > frames:
            raise IndexError(number)
        image.seek(number - 1)
        return _png(image.copy(), width)
