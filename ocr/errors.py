"""Refusals with a stable code and a German sentence for the clerk."""

_MESSAGES_DE = {
    "empty": "Die Datei ist leer (0 Byte). Bitte die Datei erneut scannen oder hochladen.",
    "too_large": (
        "Die Datei ist zu groß. Bitte in kleinere Dateien aufteilen und erneut hochladen."
    ),
    "too_many_pages": (
        "Das Dokument hat zu viele Seiten. Bitte in kleinere Dokumente aufteilen und erneut "
        "hochladen."
    ),
    "page_too_large": (
        "Eine Seite ist unrealistisch groß und kann nicht dargestellt werden. Bitte das "
        "Dokument prüfen und als normales PDF neu erzeugen."
    ),
    "image_bomb": (
        "Das Bild hat zu viele Bildpunkte und kann nicht sicher geöffnet werden. Bitte mit "
        "geringerer Auflösung (z. B. 300 dpi) neu scannen."
    ),
    "image_empty": "Das Bild enthält keine Bildpunkte. Bitte die Datei neu scannen.",
    "encrypted": (
        "Das PDF ist mit einem Passwort geschützt. Bitte beim Absender ein ungeschütztes PDF "
        "anfordern oder das Passwort bei der Bearbeitung angeben."
    ),
    "corrupt": (
        "Die Datei ist beschädigt oder unvollständig und kann nicht gelesen werden. Bitte beim "
        "Absender eine neue Kopie anfordern."
    ),
    "unsupported_type": (
        "Dieser Dateityp wird nicht verarbeitet. Bitte das Dokument als PDF, TIFF, PNG oder "
        "JPEG einreichen."
    ),
    "archive": (
        "ZIP-Archive werden nicht entpackt. Bitte die enthaltenen Dokumente einzeln hochladen."
    ),
    "bad_encoding": (
        "Die Textdatei hat eine ungültige oder unbekannte Zeichenkodierung. Bitte beim Absender "
        "eine UTF-8-kodierte Datei anfordern."
    ),
    "timeout": (
        "Die Texterkennung hat zu lange gedauert. Bitte das Dokument prüfen und gegebenenfalls "
        "in kleinere Teile aufteilen."
    ),
}


class RejectedInput(Exception):
    """Input the pipeline refuses. `code` is stable for programs, `message_de` is for clerks."""

    def __init__(self, code: str, message_de: str | None = None) -> None:
        self.code = code
        self.message_de = message_de or _MESSAGES_DE.get(code, _MESSAGES_DE["corrupt"])
        super().__init__(f"{code}: {self.message_de}")


def message_de(key: str) -> str:
    """A stock German message, for refusals whose code has more than one cause."""
    return _MESSAGES_DE[key]
