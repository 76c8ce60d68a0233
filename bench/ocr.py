"""OCR accuracy and speed on rendered Vietnamese legal pages: ``python -m bench.ocr``.

The corpus: A4 pages of legal text (the national header, a code and title,
"Căn cứ" clauses, articles built from the simulator's vocabulary) rendered at
300 dpi in DejaVu Serif, each once clean and once noisy (1-2 degree skew, a
red stamp over the text, JPEG at quality 60). The page text is the truth.
Each page goes through the production path (``read_file`` on an image-only
PDF: detection, rendering, deskew, Tesseract ``vie``).

Figures: character and word error rates (Levenshtein distance / truth length,
diacritics included, whitespace runs folded to one space), OCR pages per second
with one worker (one core), and the speed-up with more worker processes.
"""

from __future__ import annotations

import argparse
import json
import random
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from congdoan.sim import vocab

WRAP = 68  # characters per rendered line: 12 pt DejaVu Serif on A4 with 2.5 cm margins
HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def page_lines(seed: int) -> tuple[str, ...]:
    """One page of a legal document: header, code and title, grounds, articles (~30 lines)."""
    rng = random.Random(seed)
    kind, _, pattern, issuer, titles = rng.choice(vocab.DOC_KINDS)
    year = rng.randint(2015, 2025)
    code = pattern.format(n=rng.randint(1, 999), n2=f"{rng.randint(1, 99):02d}", y=year,
                          leg=15)
    title = rng.choice(titles).format(y=year, y5=year + 5)
    text = [f"Số: {code}", kind.upper(), title, f"Căn cứ Luật Công đoàn năm {year - 3};",
            f"Xét đề nghị của {issuer},"]
    sentences = list(vocab.SENTENCES)
    rng.shuffle(sentences)
    for number, sentence in enumerate(sentences[:5], start=1):
        text.append(f"Điều {number}. {sentence}")
    lines = list(HEADER)
    for paragraph in text:
        lines += textwrap.wrap(paragraph, WRAP)
    return tuple(lines)


def _ocr_page(args: tuple[tuple[str, ...], bool, int]) -> tuple[str, str, float]:
    """Render one page (clean or noisy), OCR it through ``read_file``; truth, text, seconds."""
    from congdoan.files.read import read_file
    from congdoan.sim.scans import pages_to_pdf, render_page

    lines, noisy, seed = args
    pdf = pages_to_pdf([render_page(lines, noisy=noisy, seed=seed)])
    started = time.perf_counter()
    reading = read_file(pdf, "page.pdf")
    return "\n".join(lines), reading.text, time.perf_counter() - started


def _folded(text: str) -> str:
    return " ".join(text.split())


def error_rates(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Corpus CER and WER (%) of ``(truth, ocr)`` pairs."""
    from rapidfuzz.distance import Levenshtein

    chars = char_errors = words = word_errors = 0
    for truth, found in pairs:
        truth, found = _folded(truth), _folded(found)
        chars += len(truth)
        char_errors += Levenshtein.distance(truth, found)
        words += len(truth.split())
        word_errors += Levenshtein.distance(truth.split(), found.split())
    return {"cer_percent": round(100 * char_errors / chars, 2),
            "wer_percent": round(100 * word_errors / words, 2)}


def _init_worker() -> None:
    import os

    os.environ["OMP_THREAD_LIMIT"] = "1"  # as in the backlog's workers: one core each


def run(pages: int = 4, workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """Accuracy on ``pages`` clean and ``pages`` noisy pages; speed with each worker count."""
    corpus = [page_lines(seed) for seed in range(pages)]
    report: dict[str, Any] = {"pages": pages}
    for noisy in (False, True):
        _init_worker()
        results = [_ocr_page((lines, noisy, i)) for i, lines in enumerate(corpus)]
        key = "noisy" if noisy else "clean"
        report[key] = error_rates([(truth, text) for truth, text, _ in results])
        report[key]["seconds_per_page_one_core"] = round(
            sum(s for *_, s in results) / len(results), 2)
    report["pages_per_second"] = {}
    jobs = [(lines, False, i) for i, lines in enumerate(corpus)]
    for count in workers:
        with ProcessPoolExecutor(count, mp_context=get_context("forkserver"),
                                 initializer=_init_worker) as pool:
            list(pool.map(_ocr_page, jobs[:1]))  # warm every import before timing
            started = time.perf_counter()
            list(pool.map(_ocr_page, jobs))
            elapsed = time.perf_counter() - started
        report["pages_per_second"][str(count)] = round(len(jobs) / elapsed, 3)
    return report


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=4, help="pages per set (clean, noisy)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(json.dumps(run(args.pages, tuple(args.workers)), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
