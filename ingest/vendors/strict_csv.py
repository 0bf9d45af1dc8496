"""Strict CSV parsing shared by every vendor-export CSV reader (WHOOP, Oura, HRV4Training,
intervals.icu, Fitbit, Garmin).

A vendor CSV is parsed whole into a :class:`CsvTable` (header names stripped of surrounding
whitespace, blank lines dropped, one trailing empty field tolerated) before any value is used,
so a broken file raises a typed :class:`~readiness.ingest.errors.IngestError` naming the file,
the line and the column instead of producing a partial import. Cell accessors convert whole
columns and raise :class:`~readiness.ingest.errors.SchemaError` at the first unparsable cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

import pandas as pd
from readiness.ingest.errors import (
    CorruptFileError,
    EmptyFileError,
    SchemaError,
    TruncatedFileError,
)
from readiness.ingest.schema.casting import parse_bool

__all__ = [
    "MISSING",
    "CsvTable",
    "header_fields",
    "key",
    "one_per_key",
    "parse_csv",
]

#: Cell texts that mean "no value" in the vendor exports (compared case-insensitively).
MISSING = frozenset({"", "none", "null", "nan", "na", "n/a", "-", "--"})

T = TypeVar("T")


def key(name: str) -> str:
    """A header name normalised for lookup: inner whitespace collapsed, lower case."""
    return " ".join(name.split()).lower()


def header_fields(head: bytes, delimiter: str = ",") -> list[str] | None:
    """The first line of ``head`` split into normalised names (see :func:`key`), for sniffing."""
    text = head[:16384].decode("utf-8-sig", errors="replace").lstrip("\r\n")
    line = (text.splitlines() or [""])[0]
    if delimiter not in line:
        return None
    try:
        fields = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    return [key(f) for f in fields]


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A parsed CSV: stripped header names, data rows and each row's 1-based line number."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]

    def _index(self, column: str) -> int | None:
        wanted = key(column)
        for i, name in enumerate(self.header):
            if key(name) == wanted:
                return i
        return None

    def has(self, column: str) -> bool:
        """True when the header names ``column`` (whitespace and case ignored)."""
        return self._index(column) is not None

    def first_of(self, *columns: str) -> str | None:
        """The first of ``columns`` the header has (for renamed columns across versions)."""
        return next((c for c in columns if self.has(c)), None)

    def require(self, columns: Iterable[str], what: str) -> None:
        """Raise :class:`SchemaError` naming the first of ``columns`` the header lacks."""
        missing = [c for c in columns if not self.has(c)]
        if missing:
            raise SchemaError(
                self.file,
                f"the header lacks {len(missing)} required column(s): "
                + ", ".join(repr(c) for c in missing),
                line=1,
                column=missing[0],
                expected=what,
            )

    def cells(self, column: str) -> list[str]:
        """The raw, stripped cell texts of ``column`` (empty strings when it is absent)."""
        i = self._index(column)
        if i is None:
            return [""] * len(self.rows)
        return [row[i].strip() for row in self.rows]

    def texts(self, column: str) -> list[str | None]:
        """Cell texts, ``None`` for missing tokens."""
        return [None if c.lower() in MISSING else c for c in self.cells(column)]

    def convert(
        self, column: str, parse: Callable[[str], T | None], expected: str
    ) -> list[T | None]:
        """Apply ``parse`` to each present cell; the first failure raises a located SchemaError.

        ``parse`` raises ``ValueError`` for a bad cell; it may return ``None`` for "no value".
        """
        out: list[T | None] = []
        for text, line in zip(self.texts(column), self.lines, strict=True):
            if text is None:
                out.append(None)
                continue
            try:
                out.append(parse(text))
            except (ValueError, OverflowError) as exc:
                raise self._bad_cell(text, line, column, expected) from exc
        return out

    def _bad_cell(self, text: str, line: int, column: str, expected: str) -> SchemaError:
        return SchemaError(
            self.file, f"cannot read {text[:40]!r}", line=line, column=column, expected=expected
        )

    def check(self, column: str, ok: Iterable[bool], expected: str) -> None:
        """Raise a located SchemaError at the first row whose ``column`` cell is not ``ok``.

        For columns converted whole (vectorised) by the reader: ``ok`` holds one flag per row.
        """
        for text, line, good in zip(self.cells(column), self.lines, ok, strict=True):
            if not good:
                raise self._bad_cell(text, line, column, expected)

    def floats(self, column: str, *, zero_is_missing: bool = False) -> list[float | None]:
        """Numbers of ``column``; missing tokens (and 0 when ``zero_is_missing``) become None."""

        def parse(text: str) -> float | None:
            value = float(text)
            if value != value or (zero_is_missing and value == 0):  # NaN or a 0 placeholder
                return None
            return value

        return self.convert(column, parse, "a number")

    def bools(self, column: str) -> list[bool | None]:
        """True/false cells as :func:`~readiness.ingest.schema.casting.parse_bool` reads them."""
        return self.convert(column, parse_bool, "true or false")

    def naive_datetimes(self, column: str, fmt: str) -> list[datetime | None]:
        """Local wall-clock times written as ``fmt`` (no offset)."""

        def parse(text: str) -> datetime:
            # Naive on purpose: wall-clock time whose offset is in another column.
            return datetime.strptime(text, fmt)  # noqa: DTZ007

        return self.convert(column, parse, _fmt_words(fmt))

    def aware_datetimes(self, column: str) -> list[datetime | None]:
        """ISO 8601 instants that carry their own offset, converted to UTC."""

        def parse(text: str) -> datetime:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if value.tzinfo is None:
                raise ValueError("no UTC offset")
            return value.astimezone(UTC)

        return self.convert(column, parse, "an ISO 8601 time with a UTC offset")

    def dates(self, column: str, fmt: str = "%Y-%m-%d") -> list[date | None]:
        """Calendar dates written as ``fmt``."""

        def parse(text: str) -> date:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time

        return self.convert(column, parse, _fmt_words(fmt))


def _fmt_words(fmt: str) -> str:
    words = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH", "%M": "MM", "%S": "SS"}
    for code, word in words.items():
        fmt = fmt.replace(code, word)
    return f"a time written as {fmt}"


def parse_csv(data: bytes, name: str, delimiter: str = ",") -> CsvTable:
    """Parse a whole vendor CSV strictly (see the module docstring)."""
    text = _decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "end of data" in str(exc).lower():  # EOF inside a quoted field
                raise TruncatedFileError(
                    name,
                    f"the file ends inside a quoted field ({exc})",
                    line=start,
                    expected="a closing quote and the rest of the row",
                ) from exc
            raise SchemaError(
                name, f"not a readable CSV row ({exc})", line=reader.line_num
            ) from exc
        if not any(cell.strip() for cell in row):
            continue  # blank line (HRV4Training puts one after its header)
        if header is None:
            header = [c.strip() for c in row]
            while header and header[-1] == "":  # a trailing delimiter in the header
                header.pop()
            continue
        rows.append(_fit_row(row, len(header), name, start, text, reader.line_num))
        lines.append(start)
    if header is None:
        raise EmptyFileError(name, "the file has no header row", line=1, expected="a CSV header")
    if not rows:
        raise EmptyFileError(name, "the file has a header but no data rows", line=2)
    return CsvTable(file=name, header=tuple(header), rows=tuple(rows), lines=tuple(lines))


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise EmptyFileError(name, "the file is empty", offset=0, expected="a CSV export")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorruptFileError(
            name,
            "the file contains NUL bytes: it is binary, not CSV text",
            offset=nul,
            line=data.count(b"\n", 0, nul) + 1,
            expected="UTF-8 CSV text",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(
            name,
            "the file is not UTF-8 text",
            offset=exc.start,
            line=data.count(b"\n", 0, exc.start) + 1,
            expected="UTF-8 CSV text",
        ) from exc


def _fit_row(
    row: list[str], width: int, name: str, line: int, text: str, end_line: int
) -> tuple[str, ...]:
    """The row at the header's width (trailing empty fields cut), or a located error."""
    if len(row) == width:
        return tuple(row)
    if len(row) > width and all(not c.strip() for c in row[width:]):
        return tuple(row[:width])  # trailing delimiter(s), e.g. HRV4Training's trailing comma
    if len(row) < width:
        unterminated = not text.endswith(("\n", "\r"))
        if unterminated and end_line >= text.count("\n") + 1:  # the file's last line
            raise TruncatedFileError(
                name,
                f"the last row stops after {len(row)} of {width} fields",
                line=line,
                expected=f"{width} fields and a line end",
            )
    raise SchemaError(
        name,
        f"the row has {len(row)} fields but the header has {width}",
        line=line,
        expected=f"{width} fields per row",
    )


def one_per_key(
    frame: pd.DataFrame, key_col: str, order: Sequence[tuple[str, bool]]
) -> pd.DataFrame:
    """Keep one row per ``key_col``: the first after sorting by ``order`` ((column, ascending)).

    ``order`` should end in a column that makes the order total (e.g. the raw row text), so the
    choice does not depend on the file's row order.
    """
    if frame.empty:
        return frame
    cols = [key_col] + [c for c, _ in order]
    asc = [True] + [a for _, a in order]
    ranked = frame.sort_values(cols, ascending=asc, kind="stable", na_position="last")
    return ranked.drop_duplicates(subset=[key_col], keep="first").reset_index(drop=True)
