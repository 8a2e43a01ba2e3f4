import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from invoicing.cli import main
from tests.invoicing import CORPUS, needs_corpus

REPO = Path(__file__).resolve().parents[2]
VALID_CII = CORPUS / "eInvoicing-EN16931/cii/examples/CII_example4.xml"


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "kaputt.xml"
    path.write_bytes(b"<Invoice><unclosed></Invoice>")
    return path


@pytest.fixture
def unknown(tmp_path):
    path = tmp_path / "bestellung.xml"
    path.write_bytes(b"<Bestellung/>")
    return path


def test_json_line_per_file(broken, unknown, capsys):
    assert main(["validate", str(broken), str(unknown), "--json"]) == 0
    first, second = json_lines(capsys.readouterr().out)
    assert first["path"] == str(broken)
    assert first["valid"] is False
    assert first["errors"][0]["rule"] == "XML-WELLFORMED"
    assert set(first["errors"][0]) == {"rule", "field", "message"}
    assert "wohlgeformt" in first["errors"][0]["message"]
    assert first["warnings"] == []
    assert second["valid"] is None
    assert second["syntax"] is None


@needs_corpus
def test_json_for_a_corpus_invoice(capsys):
    assert main(["validate", "--json", str(VALID_CII)]) == 0
    (line,) = json_lines(capsys.readouterr().out)
    assert (line["syntax"], line["profile"]) == ("cii", "en16931")
    assert line["valid"] in (True, False, None)


def test_german_summary_without_json(broken, unknown, capsys):
    assert main(["validate", str(broken), str(unknown)]) == 0
    out = capsys.readouterr().out
    assert f"{broken}: UNGÜLTIG" in out
    assert f"{unknown}: NICHT GEPRÜFT" in out
    assert "Fehler XML-WELLFORMED" in out


def test_directory_arguments_are_expanded(tmp_path, broken, capsys):
    (tmp_path / "notiz.txt").write_text("ignored")
    assert main(["validate", "--json", str(tmp_path)]) == 0
    assert [line["path"] for line in json_lines(capsys.readouterr().out)] == [
        str(tmp_path / "kaputt.xml")
    ]


def test_missing_file_is_a_usage_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "fehlt.xml")]) == 2
    assert "nicht gefunden" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["validate"], ["validate", "x.xml", "--frobnicate"]])
def test_usage_errors_exit_2(argv):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


def test_module_runs_without_django_settings(broken):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "invoicing", "validate", "--json", str(broken)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json_lines(done.stdout)[0]["valid"] is False
