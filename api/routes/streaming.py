"""Stream the ``file`` part of a ``multipart/form-data`` request body into a sink, chunk by chunk.

Why not FastAPI's ``UploadFile``: Starlette parses the whole body before the route runs and
spools the file to its own temporary file, which the route would then copy (and hash) into the
blob store — a second full write of a file that may be gigabytes. Here python-multipart's
streaming :class:`~python_multipart.multipart.MultipartParser` (the same parser Starlette uses)
is fed the request's body chunks as they arrive, and the file part's bytes go straight to the
sink (the blob store's spool file, which counts and hashes them). At most :data:`FLUSH_BYTES`
are buffered in memory; writes run on a worker thread so the event loop never blocks on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from readiness.api.errors import UploadTooLargeError
from readiness.api.schemas import without_controls

__all__ = ["FLUSH_BYTES", "receive_file"]

#: File bytes buffered before they are handed to the sink.
FLUSH_BYTES = 1024 * 1024
#: Largest part headers accepted (name, filename, content type).
MAX_HEADER_BYTES = 16 * 1024


def _invalid(msg: str, kind: str = "value_error") -> RequestValidationError:
    return RequestValidationError(
        [{"type": kind, "loc": ("body", "file"), "msg": msg, "input": None}]
    )


@dataclass
class _Parts:
    """What the parser callbacks found: the current part's headers, the file part's data."""

    name: str
    limit: int
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_bytes: int = 0
    in_file: bool = False
    found: bool = False
    done: bool = False
    filename: str = "upload"
    size: int = 0
    pending: bytearray = field(default_factory=bytearray)

    def on_part_begin(self) -> None:
        self.headers = {}
        self.header_bytes = 0
        self.in_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == self.name and not self.found and b"filename" in options:
            self.in_file = self.found = True
            raw = without_controls(options[b"filename"].decode("utf-8", "replace"))
            self.filename = raw.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file:
            return
        self.size += end - start
        if self.size > self.limit:
            raise UploadTooLargeError(
                f"the upload is larger than the limit of {self.limit} bytes", max_bytes=self.limit
            )
        self.pending += data[start:end]

    def on_part_end(self) -> None:
        self.in_file = False

    def on_end(self) -> None:
        self.done = True

    def _count(self, n: int) -> None:
        self.header_bytes += n
        if self.header_bytes > MAX_HEADER_BYTES:
            raise _invalid("multipart part headers are too long")


async def receive_file(
    request: Request, write: Callable[[bytes], None], *, field_name: str, limit: int
) -> str:
    """Stream the part ``field_name`` of the request's multipart body into ``write``.

    Returns the part's file name (its last path component, control characters removed). 413
    (``UploadTooLargeError``) as soon as the file passes ``limit`` bytes; 422 when the body is
    not multipart, is malformed or has no such file part. ``write`` runs on a worker thread.
    """
    ctype, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise _invalid("expected a multipart/form-data body with a file part", "missing")
    parts = _Parts(name=field_name, limit=limit)
    callbacks = {
        name: getattr(parts, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
            "on_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if len(parts.pending) >= FLUSH_BYTES:
                data, parts.pending = bytes(parts.pending), bytearray()
                await run_in_threadpool(write, data)
        parser.finalize()
    except MultipartParseError as exc:
        raise _invalid(f"malformed multipart body: {exc}") from exc
    if not parts.found:
        raise _invalid("Field required", "missing")
    if not parts.done:
        raise _invalid("the multipart body ended early")
    if parts.pending:
        await run_in_threadpool(write, bytes(parts.pending))
    return parts.filename
