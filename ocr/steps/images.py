"""Raster images (TIFF with many frames, PNG, JPEG, GIF): guard, then one grey page per frame.

Pixel counts are checked from the header before anything is decoded, so an image bomb never
allocates its pixels; Pillow's own bomb check is armed as a second line.
"""

import io
import struct
import warnings
from collections.abc import Iterator

from PIL import Image, ImageFile, UnidentifiedImageError

from ..errors import RejectedInput

WARN_TRUNCATED = "Das Bild ist unvollständig (abgeschnitten); gelesen wurde der erhaltene Teil."

_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error)


def open_image(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) with Pillow's bomb limit set to `max_pixels`."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RejectedInput("image_bomb") from exc
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise RejectedInput("corrupt") from exc
    return image


def frame_count(image: Image.Image) -> int:
    return max(1, getattr(image, "n_frames", 1))


def check_frame(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise RejectedInput("image_empty")
    if width * height > max_pixels:
        raise RejectedInput("image_bomb")


def _to_grey(frame: Image.Image) -> Image.Image:
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        return frame.point(lambda v: v / 256).convert("L")
    return frame.convert("L")


def _load(frame: Image.Image) -> bool:
    """Decode the current frame; True when it was cut short and only partly decoded."""
    try:
        frame.load()
        return False
    except OSError as exc:
        if "truncated" not in str(exc).lower():
            raise
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        frame.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    return True


def frames(
    image: Image.Image, max_pixels: int, warn: list[str]
) -> Iterator[tuple[Image.Image, Image.Image]]:
    """Each frame, decoded one at a time, as (8-bit grey copy, the frame itself); the frame is
    only valid until the iteration moves on."""
    for index in range(frame_count(image)):
        try:
            image.seek(index)
            check_frame(image, max_pixels)
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                if _load(image) and WARN_TRUNCATED not in warn:
                    warn.append(WARN_TRUNCATED)
                grey = _to_grey(image)
        except RejectedInput:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise RejectedInput("image_bomb") from exc
        except _DECODE_ERRORS as exc:
            raise RejectedInput("corrupt") from exc
        yield grey, image


def at_most(grey: Image.Image, dpi: float, target_dpi: float) -> Image.Image:
    """The page scaled down to `target_dpi` when it was scanned finer (box filter: cheap and
    without ringing); the searchable PDF still shows the original frame."""
    if dpi <= target_dpi * 1.1:
        return grey
    factor = target_dpi / dpi
    size = (max(1, round(grey.width * factor)), max(1, round(grey.height * factor)))
    return grey.resize(size, Image.Resampling.BOX)


def stated_resolution(image: Image.Image) -> float | None:
    """Scan resolution in dpi as the file states it; None when missing or implausible."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 70 <= value <= 1200 else None


def resolution(image: Image.Image) -> float:
    """Scan resolution in dpi from the file, 300 when missing or implausible (an image
    without a stated resolution is never scaled down, only placed on the page as 300 dpi)."""
    return stated_resolution(image) or 300.0
