"""The ``congdoan`` command line: one module per command under ``congdoan/commands/``."""

from __future__ import annotations

from congdoan.commands import app


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
