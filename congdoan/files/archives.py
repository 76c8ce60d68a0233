"""Documents packed in ZIP, RAR or 7z archives, unpacked in memory within limits.

libarchive (Debian's libarchive13, through libarchive-c) reads every format
from a byte string: nothing is written to disk, so a member named
``../../etc/passwd`` names nothing. Members are counted and their unpacked
bytes metered while they stream, so a bomb is stopped at the limit, not after
it; an archive inside an archive is not opened (the nested bomb).
"""

from __future__ import annotations

from collections.abc import Callable

from congdoan.files.names import sanitize_filename
from congdoan.files.reading import FileReading, Limits, PageText, failed

ARCHIVES = frozenset({"application/zip", "application/vnd.rar", "application/x-7z-compressed"})

Reader = Callable[[bytes, str, Limits], FileReading]


def read_archive(data: bytes, media_type: str, limits: Limits, read_member: Reader) -> FileReading:
    """Text of each document member (via ``read_member(data, name, limits)``), in order."""
    import libarchive
    from libarchive.exception import ArchiveError

    reading = FileReading(media_type, page_count=0)
    unpacked = 0
    notes: list[str] = []
    try:
        with libarchive.memory_reader(data) as archive:
            for count, entry in enumerate(archive, start=1):
                if count > limits.max_members:
                    reading.truncate(f"more than {limits.max_members} members: the rest skipped")
                    break
                if not entry.isfile:
                    continue
                name = sanitize_filename(entry.pathname, fallback=f"member-{count}")
                body, complete = _bounded_body(entry, limits, limits.max_unpacked_bytes - unpacked)
                unpacked += len(body)
                if not complete:
                    reading.truncate(f"{name}: unpacks past the size limit "
                                     f"({limits.max_member_bytes:,} bytes per member, "
                                     f"{limits.max_unpacked_bytes:,} in all): not read")
                    if unpacked >= limits.max_unpacked_bytes:
                        break
                    continue
                member = read_member(body, name, limits)
                reading.page_count = (reading.page_count or 0) + (member.page_count or 0)
                reading.pages.extend(
                    PageText(p.number, p.text, p.method, p.engine, p.confidence, name)
                    for p in member.pages
                )
                if member.reason:
                    notes.append(f"{name}: {member.reason}")
    except ArchiveError as exc:
        if not reading.pages:
            return failed(media_type, f"unreadable archive: {exc}")
        reading.truncate(f"archive broken after {len(reading.pages)} page(s): {exc}")
    for note in notes:
        reading.truncate(note)
    return reading


def _bounded_body(entry: object, limits: Limits, room: int) -> tuple[bytes, bool]:
    """The member's bytes, or ``(partial, False)`` once past the member or archive limit."""
    cap = min(limits.max_member_bytes, room)
    declared = getattr(entry, "size", None)
    if declared is not None and declared > cap:
        return b"", False  # the header already says it is too big: do not inflate it
    chunks: list[bytes] = []
    size = 0
    for block in entry.get_blocks():  # type: ignore[attr-defined]
        size += len(block)
        if size > cap:
            return b"", False
        chunks.append(bytes(block))
    return b"".join(chunks), True
