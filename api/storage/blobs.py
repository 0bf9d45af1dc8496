"""The content-addressed blob store: uploaded files on disk, named by their SHA-256.

Blobs live under ``<READINESS_DATA_DIR>/blobs/ab/cdef…`` (the first two hex digits are a folder,
the other 62 the file name). A body is written to a :class:`Spool` file in
``<READINESS_DATA_DIR>/spool/`` while it is counted and hashed, then moved into place with
:func:`os.replace` — the spool folder is on the same file system as the blobs, so the move is an
atomic rename and no reader ever sees half a blob. Storing equal content twice keeps the first
blob and drops the second spool file (idempotent). Several machines may share the folder (a
network volume): names are content hashes and renames are atomic, so writers never clash.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["Blob", "BlobStore", "Spool"]

SPOOL = "spool"
BLOBS = "blobs"


@dataclass(frozen=True, slots=True)
class Blob:
    """A stored file: its content hash, size in bytes and where it is."""

    sha256: str
    size: int
    path: Path


class Spool:
    """A file being received: written chunk by chunk, counted and hashed as it goes.

    :meth:`commit` moves it into the store; :meth:`abort` (or :meth:`commit` failing) removes it.
    Only the hash state and the open file are held, never the content.
    """

    def __init__(self, store: BlobStore) -> None:
        self._store = store
        self.path = store.root / SPOOL / f"{uuid.uuid4().hex}.part"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO | None = self.path.open("xb")
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        """Append ``chunk`` to the file and the hash."""
        assert self._file is not None, "the spool is closed"
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def read_back(self) -> BinaryIO:
        """What was written so far, open for reading (the caller closes it)."""
        assert self._file is not None, "the spool is closed"
        self._file.flush()
        return self.path.open("rb")

    def commit(self) -> Blob:
        """Close the file and move it to its content address (atomic; idempotent)."""
        try:
            assert self._file is not None, "the spool is closed"
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            sha = self._hash.hexdigest()
            target = self._store.path_of(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.stat().st_size == self.size:
                self.path.unlink()
            else:
                os.replace(self.path, target)
            return Blob(sha256=sha, size=self.size, path=target)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Close and remove the spool file (nothing is stored)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class BlobStore:
    """Blobs under ``root`` (``READINESS_DATA_DIR``)."""

    root: Path

    def spool(self) -> Spool:
        """A new spool file to receive a body into."""
        return Spool(self)

    def path_of(self, sha256: str) -> Path:
        """Where the blob of ``sha256`` is (whether or not it is stored)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / BLOBS / sha256[:2] / sha256[2:]

    def put_file(self, path: Path, chunk: int = 1024 * 1024) -> Blob:
        """Store a copy of the file at ``path`` (streamed, never read whole)."""
        spool = self.spool()
        try:
            with path.open("rb") as fh:
                while data := fh.read(chunk):
                    spool.write(data)
        except BaseException:
            spool.abort()
            raise
        return spool.commit()

    def open(self, sha256: str) -> BinaryIO:
        """The blob of ``sha256``, open for reading (``FileNotFoundError`` when absent)."""
        return self.path_of(sha256).open("rb")

    def remove(self, sha256: str) -> bool:
        """Delete the blob of ``sha256``; returns whether there was one. Its folder stays (a
        writer may be moving another blob into it); a reader that has the file open keeps
        reading it (POSIX)."""
        try:
            self.path_of(sha256).unlink()
        except FileNotFoundError:
            return False
        return True
