"""Entry points: read one file (bytes or path), or many paths (files and folders)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from readiness.ingest.errors import EmptyFileError, IngestError, UnsupportedFormatError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.registry import FORMATS, HEAD_BYTES, detect
from readiness.ingest.result import IngestResult, merge

__all__ = ["ReadReport", "expand_paths", "read_bytes", "read_path", "read_paths", "read_stream"]


def read_stream(stream: BinaryIO, name: str, options: ReadOptions | None = None) -> IngestResult:
    """Read one file from a seekable binary stream; the format is judged by content and named
    in the result's ``formats``."""
    options = options or ReadOptions()
    head = stream.read(HEAD_BYTES)
    if not head:
        raise EmptyFileError(
            name, "the file is empty", offset=0, expected="a FIT, CSV, JSON, XML or zip export"
        )
    stream.seek(0)
    fmt = detect(head)
    if fmt is None:
        raise UnsupportedFormatError(
            name,
            "not a supported export",
            offset=0,
            expected="one of: " + "; ".join(f.description.split(" (")[0] for f in FORMATS),
        )
    return dataclasses.replace(fmt.read(stream, name, options), formats=(fmt.name,))


def read_bytes(data: bytes, name: str, options: ReadOptions | None = None) -> IngestResult:
    """Read one file held in memory."""
    return read_stream(io.BytesIO(data), name, options)


def read_path(
    path: Path,
    options: ReadOptions | None = None,
    *,
    wrap: Callable[[BinaryIO], BinaryIO] | None = None,
) -> IngestResult:
    """Read one file from disk; ``wrap`` may wrap the open file (e.g. to show progress)."""
    with path.open("rb") as fh:
        return read_stream(wrap(fh) if wrap else fh, path.name, options)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and every non-hidden file under a folder, in sorted order."""
    for path, _walked in _expand(paths):
        yield path


def _expand(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Like :func:`expand_paths`, telling whether each file was found by walking a folder."""
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield child, True
        else:
            yield p, False


@dataclass(frozen=True)
class ReadReport:
    """The merged result of many files, and the files that could not be read."""

    result: IngestResult
    errors: tuple[IngestError, ...]
    files_read: int


def read_paths(
    paths: Iterable[Path],
    options: ReadOptions | None = None,
    *,
    on_file: Callable[[Path, int], None] | None = None,
    wrap: Callable[[BinaryIO], BinaryIO] | None = None,
) -> ReadReport:
    """Read every file (folders are walked); a bad file is reported and the others still read.

    A file named on the command line that is no supported format is an error. Inside a folder,
    such files (notes, scripts, an export's unrelated members) are skipped with one summary
    warning, as in zips; a *broken* file of a known format is always an error.
    ``on_file(path, size)`` is called after each file and ``wrap`` wraps each open file, for
    progress bars.
    """
    results: list[IngestResult] = []
    errors: list[IngestError] = []
    skipped: list[str] = []
    count = 0
    for path, walked in _expand(paths):
        count += 1
        try:
            if not path.exists():
                raise UnsupportedFormatError(str(path), "no such file")
            results.append(read_path(path, options, wrap=wrap))
        except UnsupportedFormatError as exc:
            if walked:
                skipped.append(path.name)
            else:
                errors.append(exc)
        except IngestError as exc:
            errors.append(exc)
        if on_file is not None:
            on_file(path, path.stat().st_size if path.exists() else 0)
    if skipped:
        shown = ", ".join(skipped[:5]) + (
            f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        )
        results.append(
            IngestResult(
                warnings=(
                    IngestWarning(
                        file=shown,
                        message=f"skipped {len(skipped)} file(s) in a folder that are no "
                        "supported export",
                        count=len(skipped),
                    ),
                )
            )
        )
    return ReadReport(result=merge(results), errors=tuple(errors), files_read=count)
