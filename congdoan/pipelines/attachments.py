"""Third pipeline: download attached files, store them by content, read their text.

Built on Scrapy's ``FilesPipeline`` (its downloader, retries and stores);
what changes is where a file lands: ``<data dir>/files/ab/<sha256>.<ext>``,
so the same file attached to several items or portals is stored once and a
displayed name (``../../etc/passwd.pdf``) never decides a path. Only hosts of
the item's own site (plus its allow-list) are fetched.

Each file is read from the downloaded bytes, in the process's files threads
(``FILES``: hashing, reading, writing), by the one file reader
(``congdoan.files.read.read_file``, with its limits) without OCR:
scanned pages are left to ``congdoan ocr --pending``, which reads every file
again in full. The file is never read back from disk after it is written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.utils.defer import deferred_from_coro, ensure_awaitable

from congdoan import paths
from congdoan.files.names import safe_extension, sanitize_filename
from congdoan.files.read import read_file
from congdoan.files.reading import READING_KEY, FileReading, Limits
from congdoan.files.sniff import sniff_media_type
from congdoan.runtime.threads import NamedPool

logger = logging.getLogger(__name__)
_DIGESTS = "congdoan_digests"  # request.meta: (sha256, md5) of the downloaded file
# What a download's result adds to its attachment.
_DESCRIBED = ("size", "media_type", "text", READING_KEY)


# What a body sniffs as when it is a web page, not the file it was linked as.
_NOT_A_FILE = frozenset({"application/octet-stream", "text/html"})
# Attached files are hashed, read and written in this many threads per process (one
# per core, two at most: a large PDF must not hold up every other file). Each thread
# that reads files keeps its own malloc arena: Scrapy's run_in_thread (asyncio's
# default executor, 6 threads here) and Twisted's pool (10) made a quick crawl 23
# threads and ~25 MB more peak memory (docs/benchmarks.md, session 7).
FILES_THREADS = max(1, min(2, os.cpu_count() or 1))
_T = TypeVar("_T")
FILES = NamedPool("files", FILES_THREADS)  # the process's attached-file threads


async def in_files_thread(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` in a files thread; in place when no asyncio loop runs (no reactor)."""
    return await FILES.run(fn, *args)


class AttachmentRefused(Exception):
    """A download that is not the file it claims to be."""


def host_allowed(url: str, domains: list[str] | tuple[str, ...]) -> bool:
    """True when ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith(f".{d}") for d in (d.lower() for d in domains))


class ThreadedFilesStore(FSFilesStore):
    """Scrapy's file store, writing in the files thread and never twice.

    Creating directories and writing files on the reactor thread stalled every
    download of the crawl (measured: ~2.5 ms per file here, 0.39 s of a 7.4 s
    one-portal crawl under cProfile). Paths are content addresses,
    so a file that exists already holds these very bytes.
    """

    def persist_file(self, path: str, buf: Any, info: Any, meta: Any = None,
                     headers: Any = None) -> Any:
        """Write ``buf`` to ``path`` under the base directory; a Deferred fired when done."""
        target = self._get_filesystem_path(path)
        return deferred_from_coro(in_files_thread(_write_once, target, buf.getvalue()))


def _write_once(target: Path, data: bytes) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a crash never leaves a half file under a content address.
    partial = target.with_name(f".{target.name}.{threading.get_ident()}.part")
    partial.write_bytes(data)
    partial.replace(target)


class AttachmentsPipeline(FilesPipeline):
    """Adds ``stored_path``, ``sha256``, ``size``, ``media_type``, ``text`` to attachments."""

    STORE_SCHEMES: ClassVar[dict[str, Any]] = {
        **FilesPipeline.STORE_SCHEMES, "": ThreadedFilesStore, "file": ThreadedFilesStore}

    @classmethod
    def from_crawler(cls, crawler: Any) -> AttachmentsPipeline:
        """Off with ``CONGDOAN_ATTACHMENTS = False``; files go under ``FILES_STORE``.

        ``FILES_STORE`` defaults to ``<data>/files`` of the data directory this
        crawl resolves (``congdoan.paths``), not one fixed when settings were imported.
        """
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getbool("CONGDOAN_ATTACHMENTS"):
            raise NotConfigured
        cls._update_stores(crawler.settings)
        store_uri = (crawler.settings.get("FILES_STORE")
                     or str(paths.files_dir(paths.data_dir(crawler.settings))))
        pipeline = cls(store_uri, crawler=crawler)
        pipeline.max_size = crawler.settings.getint("CONGDOAN_ATTACHMENT_MAXSIZE")
        return pipeline

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        """One request per attachment on the site's own hosts; others are marked, not fetched."""
        domains = getattr(info.spider, "allowed_domains", None) or []
        requests = []
        for attachment in item.get("attachments") or []:
            attachment["name"] = sanitize_filename(attachment.get("name"),
                                                   fallback=_name_from_url(attachment["url"]))
            if not host_allowed(attachment["url"], domains):
                attachment["error"] = "not fetched: host is not one of the site's domains"
                continue
            requests.append(Request(attachment["url"],
                                    meta={"download_maxsize": self.max_size,
                                          "congdoan_name": attachment["name"]}))
        return requests

    async def media_downloaded(self, response: Any, request: Request, info: Any, *,
                               item: Any = None) -> Any:
        """Refuse an HTML page where a file was expected: NukeViet's soft 404 redirects home."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        redirected = bool(request.meta.get("redirect_urls"))
        if content_type.startswith("text/html") and (
            redirected or sniff_media_type(response.body[:4096]) in _NOT_A_FILE
        ):
            raise AttachmentRefused(
                f"{request.url}: answered with an HTML page, not a file"
                + (" (redirected: soft 404)" if redirected else "")
            )
        if response.status == 200 and response.body:
            # Both hashes of a file (sha256 names it, md5 is Scrapy's checksum) in the
            # files thread: hashlib releases the GIL, the reactor goes on downloading.
            request.meta[_DIGESTS] = await in_files_thread(_digests, response.body)
        result = await super().media_downloaded(response, request, info, item=item)
        # Read from the bytes in hand, in the files thread (a large PDF takes seconds):
        # the result is cached per URL, so a file several items attach is read once.
        result.update(await in_files_thread(describe_file, response.body,
                                            request.meta.get("congdoan_name")))
        return result

    async def file_downloaded(self, response: Any, request: Request, info: Any, *,
                              item: Any = None) -> str:
        """Write the file under its content address; return its md5 (Scrapy's checksum)."""
        digests = request.meta.get(_DIGESTS)
        if digests is None:
            return await ensure_awaitable(
                super().file_downloaded(response, request, info, item=item))
        path = self.file_path(request, response=response, info=info, item=item)
        await ensure_awaitable(self.store.persist_file(path, BytesIO(response.body), info))
        return digests[1]

    def file_path(self, request: Request, response: Any = None, info: Any = None, *,
                  item: Any = None) -> str:
        """Content-addressed path once the body is known; before, a path that never exists."""
        ext = safe_extension(request.meta.get("congdoan_name")) or safe_extension(
            urlsplit(request.url).path)
        if response is None:
            # Asked before downloading ("is it stored already?"): the content is
            # unknown, so answer with a path that is never written: always fetch.
            return f"pending/{hashlib.sha1(request.url.encode()).hexdigest()}{ext}"
        digests = request.meta.get(_DIGESTS)
        digest = digests[0] if digests else hashlib.sha256(response.body).hexdigest()
        return f"{digest[:2]}/{digest}{ext}"

    def item_completed(self, results: list[tuple[bool, Any]], item: Any, info: Any) -> Any:
        """Note where each download was stored; failed downloads are marked, not fatal."""
        by_url = {}
        for ok, result in results:
            if ok:
                by_url[result["url"]] = result
            else:
                logger.warning("%s: attachment failed: %s", item.get("url"),
                               result.getErrorMessage())
        for attachment in item.get("attachments") or []:
            result = by_url.get(attachment["url"])
            if result is None:
                attachment.setdefault("error", "download failed")
                continue
            attachment["stored_path"] = result["path"]
            attachment["sha256"] = Path(result["path"]).stem
            attachment.update(described(result))
        return item


def describe_file(data: bytes, name: str | None) -> dict[str, Any]:
    """Size, sniffed media type and reading of a downloaded file (``described`` reads it).

    Pure, for a worker thread. OCR is off: a crawl must not spend minutes on one scan.
    A *final* reading (``FileReading.final``: nothing was left for OCR) goes along
    whole as ``reading`` (pages and all): the store records it as the file's
    reading (``file_texts.record_crawl_readings``), so the OCR backlog does not read
    the file again. Another reading (a scan: the backlog reads it, OCR on) gives
    only its ``text`` (``None`` when it has none). Scrapy keeps this result per URL
    for the whole crawl: a final reading's text is not kept beside its pages.
    """
    reading = read_file(data, name, Limits(), ocr=False)
    result: dict[str, Any] = {"size": len(data), "media_type": reading.media_type}
    if reading.final:
        result[READING_KEY] = reading.as_data()
    else:
        result["text"] = reading.text or None
    return result


def described(result: Mapping[str, Any]) -> dict[str, Any]:
    """What a download's result (``describe_file``'s keys) adds to its attachment dict:
    size, media type, ``text`` (the crawl's reading of the file) and a final ``reading``."""
    fields = {key: result[key] for key in _DESCRIBED if key in result}
    if READING_KEY in result:
        fields["text"] = FileReading.from_data(result[READING_KEY]).text or None
    return fields


def _digests(body: bytes) -> tuple[str, str]:
    """sha256 and md5 hex of ``body`` (pure: safe in any thread)."""
    return hashlib.sha256(body).hexdigest(), hashlib.md5(body, usedforsecurity=False).hexdigest()


def _name_from_url(url: str) -> str:
    return sanitize_filename(Path(urlsplit(url).path).name, fallback="file")
