"""Safe file names from what portals display (``../../etc/passwd.pdf``, ``CON.pdf`` …).

Files are stored by content hash, so a name never decides where bytes land;
the sanitised name is what exports and users see.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

MAX_NAME_LENGTH = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def sanitize_filename(name: str | None, fallback: str = "file") -> str:
    """A file name safe on every OS: no directories, controls, reserved names; NFC; ≤120 chars."""
    if not name:
        return fallback
    name = unicodedata.normalize("NFC", name).replace("\x00", "")
    # keep only the last path component, whichever separator the portal used
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    if _WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        keep = MAX_NAME_LENGTH - (len(ext) + 1 if ext else 0)
        name = (stem if dot else name)[:keep].rstrip(" .") + (f".{ext}" if ext else "")
    return name


def safe_extension(name: str | None) -> str:
    """The lower-case extension of ``name`` (``.pdf``) if short and alphanumeric, else ``""``."""
    suffix = PurePosixPath(sanitize_filename(name)).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
