"""``readiness athletes create|delete``, ``readiness import`` and ``readiness today``.

They work on the database named by ``DATABASE_URL`` directly (no server needed). The service
modules are imported when a command runs, so ``readiness ingest`` stays light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.api.cli.common import (
    EXIT_BAD_INPUT,
    load_settings,
    print_json,
    tz_arg,
)
from readiness.ingest import IngestError

if TYPE_CHECKING:
    from readiness.api.services.uploads import UploadService
    from readiness.api.storage.engine import Database
    from readiness.api.storage.models import Athlete, Upload
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = ["import_paths", "register", "upload_lines"]

#: Files in an export folder that are documentation, not data.
SKIP_SUFFIXES = (".md", ".toml", ".txt", ".license", ".py", ".pyc")


def register(sub: Any) -> None:
    athletes: argparse.ArgumentParser = sub.add_parser("athletes", help="manage athletes")
    asub = athletes.add_subparsers(dest="athletes_command", required=True, metavar="ACTION")
    create = asub.add_parser("create", help="create an athlete and print its API key (once)")
    create.add_argument("--name", required=True)
    create.add_argument("--tz", required=True, type=tz_arg, help="IANA zone, e.g. Europe/Oslo")
    create.add_argument("--hr-rest", type=float, default=None, help="resting HR (bpm), for TRIMP")
    create.add_argument("--hr-max", type=float, default=None, help="maximum HR (bpm), for TRIMP")
    create.add_argument("--sex", choices=("male", "female"), default=None, help="for TRIMP")
    create.set_defaults(func=run_create)
    delete = asub.add_parser(
        "delete", help="delete an athlete and everything stored about them (cannot be undone)"
    )
    delete.add_argument("--athlete", type=int, required=True, metavar="ID")
    delete.add_argument("--yes", action="store_true", help="confirm: the data cannot be restored")
    delete.set_defaults(func=run_delete)

    imp: argparse.ArgumentParser = sub.add_parser(
        "import", help="import exports (files, folders, zips) for an athlete"
    )
    imp.add_argument("--athlete", type=int, required=True, metavar="ID")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.set_defaults(func=run_import)

    today: argparse.ArgumentParser = sub.add_parser("today", help="today's call for an athlete")
    today.add_argument("--athlete", type=int, required=True, metavar="ID")
    today.add_argument("--json", action="store_true", help="print the day object as JSON")
    today.set_defaults(func=run_today)


def run_create(args: argparse.Namespace) -> int:
    from readiness.api.services.accounts import create_athlete
    from readiness.api.storage.engine import open_database
    from readiness.api.storage.unit_of_work import unit_of_work

    db = open_database(load_settings())
    try:
        with unit_of_work(db.sessions) as work:
            athlete, key = create_athlete(
                work,
                name=args.name,
                timezone=args.tz.key,
                hr_rest=args.hr_rest,
                hr_max=args.hr_max,
                sex=args.sex,
            )
            athlete_id = athlete.id
    finally:
        db.dispose()
    print(f"athlete {athlete_id} created: {args.name} ({args.tz.key})")
    print(f"API key (shown once, store it now): {key}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from readiness.api.cli.data import with_athlete
    from readiness.api.services.accounts import delete_athlete

    if not args.yes:
        print(
            f"readiness: deleting athlete {args.athlete} removes all their data and cannot be "
            "undone (export it first with `readiness export`); add --yes to confirm",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT

    def delete(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        name = athlete.name
        delete_athlete(work, athlete.id, service.blobs)
        return [f"athlete {args.athlete} ({name}) deleted with all their data"]

    return with_athlete(args.athlete, delete)


def _exists(db: Database, athlete_id: int) -> bool:
    from readiness.api.services.accounts import get_athlete
    from readiness.api.storage.unit_of_work import unit_of_work

    with unit_of_work(db.sessions) as work:
        return get_athlete(work, athlete_id) is not None


def data_files(paths: list[Path]) -> list[Path]:
    """The data files under ``paths`` (folders walked; documentation files skipped)."""
    from readiness.ingest import expand_paths

    return [p for p in expand_paths(paths) if p.suffix.lower() not in SKIP_SUFFIXES]


def import_paths(
    db: Database,
    athlete_id: int,
    paths: list[Path],
    *,
    progress: bool,
    clock: Callable[[], datetime],
) -> int:
    """Import every data file under ``paths`` for the athlete; returns how many failed.

    Files are stored in batches of :data:`BATCH_BYTES` (one unit of work and one re-score per
    batch); a file that cannot be read is reported and the others are still imported.
    ``clock`` is the service's "now" (``Settings.current_time``) for the re-score.
    """
    from readiness.api.errors import failure_body
    from readiness.api.services.uploads import Outcome, Received, UploadService
    from readiness.api.storage.unit_of_work import unit_of_work
    from tqdm import tqdm

    files = data_files(paths)
    missing = [p for p in files if not p.is_file()]
    for p in missing:
        print(f"readiness: {p}: no such file", file=sys.stderr)
    files = [p for p in files if p.is_file()]
    failed = len(missing)
    counts = {"imported": 0, "already imported": 0}
    totals = {"days": 0, "sessions": 0, "check-ins": 0, "warnings": 0}
    with (
        tqdm(
            total=sum(p.stat().st_size for p in files),
            unit="B",
            unit_scale=True,
            desc="import",
            disable=not progress,
            file=sys.stderr,
        ) as bar,
    ):
        service = UploadService(db.sessions, background_bytes=0, failure=failure_body, clock=clock)
        for batch in _batches(files):
            items = [Received.from_path(p) for p in batch]
            by_item = {id(item): path for item, path in zip(items, batch, strict=True)}

            def advance(item: Received) -> None:
                bar.update(item.size)

            with unit_of_work(db.sessions) as work:
                stored = service.submit_many(work, athlete_id, items, advance)
                for item, outcome, how in stored:
                    if how is None:
                        assert isinstance(outcome, IngestError)
                        failed += 1
                        bar.write(f"readiness: {outcome.message}", file=sys.stderr)
                        continue
                    assert not isinstance(outcome, IngestError)
                    new = how is not Outcome.EXISTING
                    counts["imported" if new else "already imported"] += 1
                    if new:
                        totals["days"] += outcome.days
                        totals["sessions"] += outcome.sessions
                        totals["check-ins"] += outcome.checkins
                        totals["warnings"] += len(outcome.warnings)
                    lines = upload_lines(by_item[id(item)], outcome, new=new)
                    # many files: only the warnings of new ones (the totals follow)
                    shown = lines if len(files) <= 20 else lines[1:] if new else []
                    for line in shown:
                        bar.write(line)
    read = ", ".join(f"{n} {what}" for what, n in totals.items())
    print(
        f"{counts['imported']} file(s) imported, {counts['already imported']} already imported, "
        f"{failed} failed (new: {read})",
        file=sys.stderr,
    )
    return failed


def upload_lines(path: Path, upload: Upload, *, new: bool) -> list[str]:
    """What one stored upload holds, as the API's upload answer says it: the counts, then
    one line per warning."""
    how = "imported" if new else "already imported"
    head = (
        f"{path}: {how} ({upload.format}): {upload.days} day(s), {upload.sessions} session(s), "
        f"{upload.checkins} check-in(s), {len(upload.warnings)} warning(s)"
    )
    return [head, *(f"  warning: {w['file']}: {w['message']}" for w in upload.warnings)]


#: Files stored per transaction by :func:`import_paths`.
BATCH_BYTES = 64 * 1024 * 1024


def _batches(files: list[Path]) -> list[list[Path]]:
    out: list[list[Path]] = [[]]
    size = 0
    for p in files:
        n = p.stat().st_size
        if out[-1] and size + n > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(p)
        size += n
    return out if out[0] else []


def run_import(args: argparse.Namespace) -> int:
    from readiness.api.storage.engine import open_database

    settings = load_settings(clock=True)
    db = open_database(settings)
    try:
        if not _exists(db, args.athlete):
            print(f"readiness: no athlete {args.athlete}", file=sys.stderr)
            return EXIT_BAD_INPUT
        failed = import_paths(
            db,
            args.athlete,
            list(args.paths),
            progress=sys.stderr.isatty(),
            clock=settings.current_time,
        )
    finally:
        db.dispose()
    return EXIT_BAD_INPUT if failed else 0


def run_today(args: argparse.Namespace) -> int:
    from readiness.api.cli.wording import summary_lines
    from readiness.api.services.accounts import get_athlete
    from readiness.api.services.readiness import read_today
    from readiness.api.storage.engine import open_database
    from readiness.api.storage.unit_of_work import unit_of_work

    settings = load_settings(clock=True)
    db = open_database(settings)
    try:
        with unit_of_work(db.sessions) as work:
            athlete = get_athlete(work, args.athlete)
            if athlete is None:
                print(f"readiness: no athlete {args.athlete}", file=sys.stderr)
                return EXIT_BAD_INPUT
            day = read_today(work, athlete, now=settings.current_time())
    finally:
        db.dispose()
    if day is None:
        print("readiness: no data yet; import an export first", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print_json(day)
    else:
        print("\n".join(summary_lines(day)))
    return 0
