"""OCR throughput and accuracy: Aktenfluss's pipeline vs `ocrmypdf --jobs 2`, same files.

    python benchmarks/ocr_throughput.py [DIR] [--no-ocrmypdf] [--languages deu+eng]

DIR (default ../shared/corpus/documents/scanned) holds scans with `X.gt.txt` beside each file
`X`. Both engines are scored with ../shared/tools/cer.py: strict CER (Levenshtein over the
whitespace-normalised text, summed over all pages) and the order-free word miss rate (--bag).
Aktenfluss gets the files two at a time (as two intake jobs would), its pages share one OCR
pool of one thread per core; ocrmypdf runs file after file with `--jobs 2`. The last line of
output is one JSON object with the figures.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocr.pipeline import read_document  # noqa: E402

SHARED = REPO.parent / "shared"


def load_cer():
    spec = importlib.util.spec_from_file_location("cer", SHARED / "tools" / "cer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus(folder: Path) -> list[tuple[Path, str]]:
    return [
        (path, Path(f"{path}.gt.txt").read_text(encoding="utf-8"))
        for path in sorted(folder.iterdir())
        if Path(f"{path}.gt.txt").is_file()
    ]


def score(cer, truth: str, hyp: str) -> tuple[int, int, int, int]:
    """(edits, truth chars, missed words, truth words); words per page when pages line up."""
    dist, chars = cer.edits(truth, hyp)
    truth_pages, hyp_pages = truth.split("\f"), hyp.split("\f")
    if len(truth_pages) != len(hyp_pages):
        truth_pages, hyp_pages = [truth], [hyp]
    missed = words = 0
    for t, h in zip(truth_pages, hyp_pages, strict=True):
        m, w = cer.bag_miss(t, h)
        missed, words = missed + m, words + w
    return dist, chars, missed, words


def run_aktenfluss(files: list[tuple[Path, str]]) -> tuple[float, dict[Path, str], int]:
    def one(path: Path) -> tuple[Path, str, int]:
        result = read_document(path.read_bytes(), filename=path.name)
        return path, result.text, result.page_count

    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(one, [path for path, _ in files]))
    elapsed = time.perf_counter() - start
    return elapsed, {path: text for path, text, _ in done}, sum(n for _, _, n in done)


def run_ocrmypdf(files: list[tuple[Path, str]], languages: str) -> tuple[float, dict[Path, str]]:
    texts: dict[Path, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for path, _ in files:
            sidecar, out = Path(tmp) / f"{path.name}.txt", Path(tmp) / f"{path.name}.pdf"
            command = ["ocrmypdf", "--jobs", "2", "-l", languages, "--output-type", "pdf"]
            if path.suffix.lower() != ".pdf":
                command += ["--image-dpi", "300"]
            command += ["--sidecar", str(sidecar), str(path), str(out)]
            subprocess.run(command, capture_output=True, check=False)  # noqa: S603
            texts[path] = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""
        elapsed = time.perf_counter() - start
    return elapsed, texts


def totals(cer, files, texts) -> tuple[float, float]:
    sums = [0, 0, 0, 0]
    for path, truth in files:
        for i, value in enumerate(score(cer, truth, texts.get(path, ""))):
            sums[i] += value
    return sums[0] / max(1, sums[1]), sums[2] / max(1, sums[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(SHARED / "corpus/documents/scanned"))
    parser.add_argument("--no-ocrmypdf", action="store_true", help="time Aktenfluss only")
    parser.add_argument("--languages", default="deu+eng", help="ocrmypdf -l (default deu+eng)")
    args = parser.parse_args()
    cer = load_cer()
    files = corpus(Path(args.folder))
    if not files:
        print(f"no files with .gt.txt in {args.folder}", file=sys.stderr)
        return 2

    akt_time, akt_texts, pages = run_aktenfluss(files)
    akt_cer, akt_miss = totals(cer, files, akt_texts)
    figures = {
        "pages": pages,
        "aktenfluss_pages_per_min": round(pages / akt_time * 60, 1),
        "aktenfluss_cer": round(akt_cer, 4),
        "aktenfluss_word_miss": round(akt_miss, 4),
        "ocrmypdf_pages_per_min": None,
        "ocrmypdf_cer": None,
        "ocrmypdf_word_miss": None,
    }
    if not args.no_ocrmypdf and shutil.which("ocrmypdf"):
        omp_time, omp_texts = run_ocrmypdf(files, args.languages)
        omp_cer, omp_miss = totals(cer, files, omp_texts)
        figures.update(
            ocrmypdf_pages_per_min=round(pages / omp_time * 60, 1),
            ocrmypdf_cer=round(omp_cer, 4),
            ocrmypdf_word_miss=round(omp_miss, 4),
        )

    print(f"{len(files)} files, {pages} pages from {args.folder}")
    print(f"{'engine':<12} {'pages/min':>10} {'CER':>8} {'word miss':>10}")
    for name in ("aktenfluss", "ocrmypdf"):
        speed = figures[f"{name}_pages_per_min"]
        if speed is None:
            print(f"{name:<12} {'–':>10}")
            continue
        cer_value, miss = figures[f"{name}_cer"], figures[f"{name}_word_miss"]
        print(f"{name:<12} {speed:>10.1f} {cer_value:>8.2%} {miss:>10.2%}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
