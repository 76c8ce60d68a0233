"""The simulator is written from real pages, never from our readers, and the readers never
from the simulator: neither package imports the other (so a reader bug cannot be copied into
the pages it is tested on)."""

from __future__ import annotations

import ast
from pathlib import Path

import congdoan

PACKAGE = Path(congdoan.__file__).parent


def _imports(folder: Path) -> dict[str, set[str]]:
    found = {}
    for path in folder.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def test_the_simulator_never_imports_the_parsers() -> None:
    files = _imports(PACKAGE / "sim")
    assert any(name.startswith("sim/wordpress/") for name in files)
    leaks = {f: sorted(n for n in names if n.startswith("congdoan.parsers"))
             for f, names in files.items()}
    assert not any(leaks.values()), leaks


def test_the_parsers_never_import_the_simulator() -> None:
    leaks = {f: sorted(n for n in names if n.startswith("congdoan.sim"))
             for f, names in _imports(PACKAGE / "parsers").items()}
    assert not any(leaks.values()), leaks
