"""Attached files, served from the file store only with a type that cannot run in the browser."""

# No `from __future__ import annotations`: FastAPI reads the Depends aliases at runtime.

from pathlib import Path as FsPath

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from congdoan.files.names import sanitize_filename
from congdoan.web import views
from congdoan.web.params import Db, RowId

# Attachments are offered with their stored type only when it is one of these; anything
# else (an HTML "attachment", say) is sent as a download of opaque bytes.
SAFE_MEDIA_TYPES = frozenset({
    "application/pdf", "application/msword", "application/zip", "application/x-rar-compressed",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "image/png", "image/jpeg", "image/gif", "text/plain",
})
INLINE_MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})

router = APIRouter()


@router.get("/files/{attachment_id}", include_in_schema=False)
def attachment(request: Request, db: Db, attachment_id: RowId) -> Response:
    """A stored attachment: inline when a browser shows it safely, else a download."""
    files_dir: FsPath | None = request.app.state.files_dir
    row = views.attachment_file(db, attachment_id)
    if row is None or not row.stored_path or files_dir is None:
        raise HTTPException(404, "Tệp không được lưu")
    root = files_dir.resolve()
    path = (root / row.stored_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(404, "Tệp không được lưu")
    media = row.media_type if row.media_type in SAFE_MEDIA_TYPES else "application/octet-stream"
    disposition = "inline" if media in INLINE_MEDIA_TYPES else "attachment"
    name = sanitize_filename(row.name or FsPath(row.url).name, fallback=f"tep-{row.id}")
    return FileResponse(path, media_type=media, filename=name,
                        content_disposition_type=disposition,
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'"})
