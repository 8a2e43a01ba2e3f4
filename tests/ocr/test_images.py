import io
import tracemalloc

import pytest
from PIL import Image

from ocr.errors import RejectedInput
from ocr.steps import images


def _png(size, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else 255).save(buffer, format="PNG")
    return buffer.getvalue()


def test_bomb_refused_from_header_without_decoding():
    data = _png((9000, 9000))  # 81 Mpx > 60 Mpx, a few kB on disk
    tracemalloc.start()
    try:
        with pytest.raises(RejectedInput) as caught:
            image = images.open_image(data, 60_000_000)
            images.check_frame(image, 60_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "image_bomb"
    assert peak < 5_000_000


def test_pillow_limit_follows_the_configured_limit():
    images.open_image(_png((50, 50)), 5_000)
    assert Image.MAX_IMAGE_PIXELS == 5_000
    with pytest.raises(RejectedInput) as caught:
        images.open_image(_png((100, 100)), 5_000)  # Pillow's own check, before ours
    assert caught.value.code == "image_bomb"


def test_frames_become_grey_pages_alpha_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(buffer, format="PNG")
    image = images.open_image(buffer.getvalue(), 60_000_000)
    ((grey, _frame),) = list(images.frames(image, 60_000_000, []))
    assert grey.mode == "L" and grey.getextrema() == (255, 255)


def test_multi_frame_tiff_gives_each_frame():
    buffer = io.BytesIO()
    first, second = Image.new("L", (50, 40), 200), Image.new("L", (60, 40), 100)
    first.save(buffer, format="TIFF", save_all=True, append_images=[second])
    image = images.open_image(buffer.getvalue(), 60_000_000)
    assert [g.size for g, _ in images.frames(image, 60_000_000, [])] == [(50, 40), (60, 40)]


def test_truncated_jpeg_read_with_warning():
    buffer = io.BytesIO()
    Image.effect_noise((400, 400), 60).save(buffer, format="JPEG")
    data = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    warnings: list[str] = []
    image = images.open_image(data, 60_000_000)
    list(images.frames(image, 60_000_000, warnings))
    assert warnings == [images.WARN_TRUNCATED]


def test_garbage_refused_as_corrupt():
    with pytest.raises(RejectedInput) as caught:
        images.open_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, 60_000_000)
    assert caught.value.code == "corrupt"


def test_fine_scans_are_read_at_the_ocr_resolution_coarse_ones_as_they_are():
    from PIL import Image

    from ocr.steps import images, pdf

    scan = Image.new("L", (2480, 3508), 255)
    factor = pdf.OCR_DPI / 300
    assert images.at_most(scan, 300, pdf.OCR_DPI).size == (
        round(2480 * factor),
        round(3508 * factor),
    )
    assert images.at_most(scan, pdf.OCR_DPI, pdf.OCR_DPI) is scan
