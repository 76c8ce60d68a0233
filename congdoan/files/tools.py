"""Running a Debian command-line reader (antiword, catdoc, xls2csv) within bounds.

The file goes in on stdin or as a temporary file, never named by the portal;
the tool gets a time limit, an address-space limit and no shell.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from congdoan.files.reading import Limits


class ToolFailed(RuntimeError):
    """The tool is missing, failed, or went past its limits; the message says which."""


def run_tool(argv: list[str], data: bytes, suffix: str, limits: Limits) -> str:
    """Output (UTF-8 text) of ``argv + [file holding data]``; ``ToolFailed`` when it fails."""
    if shutil.which(argv[0]) is None:
        package = "catdoc" if argv[0] in ("catdoc", "xls2csv") else argv[0]
        raise ToolFailed(f"{argv[0]} is not installed (apt-get install {package})")

    def bounded() -> None:  # runs in the child, before exec
        resource.setrlimit(resource.RLIMIT_AS, (limits.tool_memory, limits.tool_memory))

    with tempfile.TemporaryDirectory(prefix="congdoan-") as tmp:
        path = Path(tmp) / f"file{suffix}"
        path.write_bytes(data)
        try:
            done = subprocess.run(  # fixed argv, no shell
                [*argv, str(path)], capture_output=True, timeout=limits.tool_timeout,
                preexec_fn=bounded, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ToolFailed(f"{argv[0]} took over {limits.tool_timeout:g} s: stopped") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolFailed(f"{argv[0]} failed ({done.returncode}): "
                         f"{message[-1] if message else 'no message'}")
    return done.stdout.decode("utf-8", "replace")
