"""Non-fatal findings while reading a file: what was skipped and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["IngestWarning"]


@dataclass(frozen=True, slots=True)
class IngestWarning:
    """Something a reader skipped or guessed. It never stops the import."""

    file: str
    message: str
    column: str | None = None
    offset: int | None = None
    line: int | None = None
    count: int | None = None

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}
