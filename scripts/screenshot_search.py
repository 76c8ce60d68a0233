"""Take the README's screenshot of the search page: ``python scripts/screenshot_search.py``.

Serves the demo database (run ``congdoan demo`` first) read-only on a free local
port, opens a search in headless Chromium at a phone-ish and a desktop width,
and writes ``docs/img/search.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from congdoan.web.app import create_app  # noqa: E402
from tests.web.live import chromium, screenshot, served  # noqa: E402


def main() -> None:
    """Write docs/img/search.png from data/demo."""
    database = ROOT / "data" / "demo" / "congdoan.sqlite3"
    if not database.is_file():
        sys.exit(f"no demo database at {database}: run `congdoan demo` first")
    app = create_app(f"sqlite:///{database}", database.parent / "files")
    with served(app) as base, chromium(width=1100, height=900) as driver:
        driver.get(f"{base}/?q=chi+thi")  # type: ignore[attr-defined]
        target = screenshot(driver, ROOT / "docs" / "img" / "search.png")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
