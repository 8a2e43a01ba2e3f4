"""Measure and fix page orientation and skew with projection profiles (numpy, no OCR).

Text lines make the row sums of ink alternate strongly between line and gap; the variance of
the row profile peaks when lines are horizontal. That tells the skew angle and whether a page
lies sideways; upside down needs OSD (see `orientation`).
"""

import numpy as np
from PIL import Image

MIN_SKEW = 0.15  # degrees; smaller tilts are left alone (rotating blurs a little)
_WORK_WIDTH = 700  # px; enough to see text lines at 300 dpi, small enough to be cheap


def _ink(image: Image.Image) -> Image.Image:
    """Small bilevel-ish copy: ink 255, paper 0, as 8-bit grey."""
    scale = max(1, image.width // _WORK_WIDTH, image.height // _WORK_WIDTH)
    small = image.reduce(scale) if scale > 1 else image
    arr = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 30)
    return Image.fromarray(np.where(arr < threshold, 255, 0).astype(np.uint8))


def _profile_score(ink: Image.Image, angle: float) -> float:
    rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False) if angle else ink
    rows = np.asarray(rotated, dtype=np.float64).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def is_sideways(image: Image.Image) -> bool:
    """True when the text lines run top to bottom (page turned by 90 or 270 degrees)."""
    ink = _ink(image)
    if not np.asarray(ink).any():
        return False
    best_h = max(_profile_score(ink, a) for a in (-2.0, 0.0, 2.0))
    best_v = max(_profile_score(ink, a) for a in (88.0, 90.0, 92.0))
    return best_v > 1.3 * best_h


def skew_angle(image: Image.Image, limit: float = 3.0) -> float:
    """Counter-clockwise angle in degrees by which the text lines are tilted (0 if blank)."""
    ink = _ink(image)
    if not np.asarray(ink).any():
        return 0.0
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = max(coarse, key=lambda a: _profile_score(ink, -a))
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    best = max(fine, key=lambda a: _profile_score(ink, -a))
    return round(float(best), 2)


def deskew(image: Image.Image, angle: float) -> Image.Image:
    """Rotate back by `angle` about the centre, same size; tilts below MIN_SKEW are kept."""
    if abs(angle) < MIN_SKEW:
        return image
    return image.rotate(-angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)


def turn(image: Image.Image, clockwise: int) -> Image.Image:
    """Lossless quarter turn clockwise."""
    ops = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    return image.transpose(ops[clockwise]) if clockwise % 360 else image


def is_blank(image: Image.Image, min_ink: float = 0.0002) -> bool:
    """True when (almost) no pixel is dark: an empty page needs no OCR."""
    return float(np.asarray(_ink(image)).mean()) / 255 < min_ink


def upside_down_score(image: Image.Image) -> float:
    """Evidence that an upright-lying page is upside down, from -1 (upright) to 1.

    In Latin script ascenders (b, d, h, k, l, capitals) are far more common than descenders,
    so the densest rows of a text line (the x-height band) sit in its lower part; turned
    by 180 degrees they sit in the upper part. Each line votes with its ink.
    """
    ink = np.asarray(_ink_at(image, 1400), dtype=np.float64) / 255
    rows = ink.sum(axis=1)
    if not rows.any():
        return 0.0
    on = rows > 0.15 * np.percentile(rows[rows > 0], 90)
    votes = weight = 0.0
    start = None
    for y, flag in enumerate([*on, False]):
        if flag and start is None:
            start = y
        elif not flag and start is not None:
            line = rows[start:y]
            if len(line) >= 6:
                centre = (line * np.arange(len(line))).sum() / line.sum() / (len(line) - 1)
                votes += (0.5 - centre) * line.sum()  # > 0: mass in the upper half
                weight += line.sum()
            start = None
    return float(np.clip(4 * votes / weight, -1, 1)) if weight else 0.0


def _ink_at(image: Image.Image, width: int) -> Image.Image:
    scale = max(1, image.width // width)
    small = image.reduce(scale) if scale > 1 else image
    arr = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 30)
    return Image.fromarray(np.where(arr < threshold, 255, 0).astype(np.uint8))
