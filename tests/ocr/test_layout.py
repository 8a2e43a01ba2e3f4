from ocr.engines.base import Word
from ocr.steps.layout import rows, text_from_words


def _word(text, left, top, line_id, width=80, height=30):
    return Word(text, (left, top, left + width, top + height), line_id, 90.0)


def test_table_read_by_rows_although_tesseract_read_columns():
    # tesseract put each column in a block of its own: line ids run down the columns
    words = (
        _word("Pos", 100, 100, 0),
        _word("1", 100, 150, 1),
        _word("Betrag", 600, 102, 2),
        _word("12,50", 600, 152, 3),
    )
    assert text_from_words(words) == "Pos Betrag\n1 12,50"


def test_lines_that_only_touch_stay_apart():
    words = (_word("oben", 100, 100, 0), _word("unten", 100, 125, 1))
    assert len(rows(words)) == 2


def test_words_in_a_line_sorted_left_to_right():
    words = (_word("zwei", 300, 100, 0), _word("eins", 100, 100, 0))
    assert text_from_words(words) == "eins zwei"


def test_no_words_no_text():
    assert text_from_words(()) == ""
