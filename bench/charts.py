"""``python -m bench.charts``: render time of one chart by pygal and by matplotlib's SVG backend.

The chart the site page draws (stacked bars, 138 months, two series), rendered
to an SVG string ten times by each library, side by side; prints ms per chart
and the SVG's size. matplotlib is a bench extra (``pip install -e '.[bench]'``):
it was the other candidate for the web's charts, not a dependency.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable

from congdoan.web.charts import bar_chart

MONTHS = [f"{2015 + i // 12}-{i % 12 + 1:02d}" for i in range(138)]
RNG = random.Random(1)
SERIES = {"Tin bài": [RNG.randint(0, 40) for _ in MONTHS],
          "Văn bản": [RNG.randint(0, 10) for _ in MONTHS]}


def with_pygal() -> bytes:
    """The site chart as congdoan draws it (pygal, then sanitised)."""
    return bar_chart("Số mục mỗi tháng", "bench", MONTHS, SERIES)


def with_matplotlib() -> bytes:
    """The same stacked bars by matplotlib's SVG backend."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.2))
    x = range(len(MONTHS))
    bottom = [0] * len(MONTHS)
    for name, values in SERIES.items():
        ax.bar(x, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(list(x)[::12], MONTHS[::12])
    ax.set_title("Số mục mỗi tháng")
    ax.legend()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    return out.getvalue().encode()


def timed(render: Callable[[], bytes], repeats: int = 10) -> tuple[float, int]:
    """Milliseconds per render (after one warm-up) and the SVG's size in bytes."""
    size = len(render())
    start = time.perf_counter()
    for _ in range(repeats):
        render()
    return (time.perf_counter() - start) / repeats * 1000, size


def main() -> None:
    print("| library | ms per chart | SVG bytes |")
    print("|---|---|---|")
    for name, render in (("pygal (congdoan)", with_pygal), ("matplotlib svg", with_matplotlib)):
        try:
            ms, size = timed(render)
        except ImportError:
            print(f"| {name} | not installed (pip install -e '.[bench]') | |")
            continue
        print(f"| {name} | {ms:.0f} | {size} |")


if __name__ == "__main__":
    main()
