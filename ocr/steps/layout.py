"""Reading order: words into rows, top to bottom, left to right.

Tesseract's page segmentation reads a table column by column; the ground truth (and a clerk)
reads it row by row. On a deskewed page, words whose vertical extents overlap belong to one
row, whatever block tesseract put them in.
"""

from ..engines.base import Word


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def rows(words: tuple[Word, ...]) -> list[list[Word]]:
    """Group words into rows. Tesseract's own lines are kept whole and merged with every line
    whose vertical extent overlaps by more than half the smaller height."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line_id, []).append(word)
    spans = []
    for line_words in lines.values():
        top = min(w.box[1] for w in line_words)
        bottom = max(w.box[3] for w in line_words)
        spans.append(((top, bottom), line_words))
    spans.sort(key=lambda item: (item[0][0] + item[0][1]) / 2)
    merged: list[tuple[tuple[int, int], list[Word]]] = []
    for span, line_words in spans:
        if merged:
            last_span, last_words = merged[-1]
            height = min(span[1] - span[0], last_span[1] - last_span[0])
            if height > 0 and _overlap(span, last_span) > height / 2:
                merged[-1] = (
                    (min(span[0], last_span[0]), max(span[1], last_span[1])),
                    last_words + line_words,
                )
                continue
        merged.append((span, line_words))
    return [sorted(line_words, key=lambda w: w.box[0]) for _, line_words in merged]


def text_from_words(words: tuple[Word, ...]) -> str:
    """Page text, one row per line."""
    return "\n".join(" ".join(w.text for w in row) for row in rows(words))
