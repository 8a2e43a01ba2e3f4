"""Tesseract through tesserocr: one API object per thread, the GIL is released while it works."""

import os
import threading
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr
from PIL import Image

from .base import OcrOutput, Orientation, Word

_TESSDATA_CANDIDATES = (
    os.environ.get("TESSDATA_PREFIX", ""),
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)


def find_tessdata(languages: str) -> str:
    """First folder holding every traineddata file named in `languages` ("deu+eng")."""
    for folder in _TESSDATA_CANDIDATES:
        if folder and all(
            (Path(folder) / f"{lang}.traineddata").is_file() for lang in languages.split("+")
        ):
            return folder
    raise RuntimeError(f"tessdata for {languages} not found (apt-get install tesseract-ocr-deu)")


_VARIABLES = {
    # Scans are dark on light; the inverted-text retry of every weak line only costs time.
    "tessedit_do_invert": "0",
}


class TesseractEngine:
    """`OcrEngine` on tesserocr (wheel bundles tesseract 5.5; traineddata from Debian)."""

    def __init__(
        self, languages: str = "deu+eng", psm: int = 4, variables: dict[str, str] | None = None
    ) -> None:
        self.languages = languages
        self.psm = psm
        self.variables = {**_VARIABLES, **(variables or {})}
        self.tessdata = find_tessdata(languages)
        self._local = threading.local()

    def _api(self, name: str, lang: str, psm: int) -> tesserocr.PyTessBaseAPI:
        api = getattr(self._local, name, None)
        if api is None:
            api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang=lang, psm=psm)
            for name, value in self.variables.items():
                api.SetVariable(name, value)
            setattr(self._local, name, api)
        return api

    def recognise(self, image: Image.Image, *, timeout_s: float) -> OcrOutput:
        api = self._api("ocr", self.languages, self.psm)
        api.SetImage(image)
        try:
            if not api.Recognize(int(timeout_s * 1000)):
                raise TimeoutError("tesseract did not finish in time")
            words = tuple(_words(api))
            text = api.GetUTF8Text()
        finally:
            api.Clear()
        confidence = sum(w.confidence for w in words) / len(words) if words else None
        return OcrOutput(text=text, confidence=confidence, words=words)

    def detect_orientation(self, image: Image.Image) -> Orientation | None:
        if not (Path(self.tessdata) / "osd.traineddata").is_file():
            return None
        api = self._api("osd", "osd", tesserocr.PSM.OSD_ONLY)
        api.SetImage(image)
        try:
            result = api.DetectOrientationScript()
        finally:
            api.Clear()
        if not result:
            return None
        # tesseract reports how far the text is turned clockwise; turn it back.
        return Orientation(
            rotate=(360 - int(result["orient_deg"])) % 360,
            confidence=float(result["orient_conf"]),
        )


def _words(api: tesserocr.PyTessBaseAPI):
    iterator = api.GetIterator()
    if iterator is None:
        return
    level = tesserocr.RIL.WORD
    line_id = 0
    while True:
        try:
            text = iterator.GetUTF8Text(level)
        except RuntimeError:  # tesserocr's way of saying "nothing recognised here"
            text = ""
        if text and text.strip():
            box = iterator.BoundingBox(level)
            if box is not None:
                yield Word(text.strip(), box, line_id, iterator.Confidence(level))
        if iterator.IsAtFinalElement(tesserocr.RIL.TEXTLINE, level):
            line_id += 1
        if not iterator.Next(level):
            return
