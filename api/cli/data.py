"""Your data from the command line: ``readiness uploads list|delete``, ``readiness export`` and
``readiness keys rotate`` (``readiness athletes delete`` is with the other athlete commands).

Like ``import`` and ``today`` they work on the database named by ``DATABASE_URL`` directly,
for the athlete given with ``--athlete ID``, and remove uploaded files from
``READINESS_DATA_DIR`` as the API does. The service modules are imported when a command runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.api.cli.common import in_unit, load_settings

if TYPE_CHECKING:
    from readiness.api.services.uploads import UploadService
    from readiness.api.storage.engine import Database
    from readiness.api.storage.models import Athlete
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = ["register", "with_athlete"]

#: What a command does with the athlete, ``(service, work, athlete)``, returning the lines to
#: print once its unit of work is committed.
Action = Callable[["UploadService", "UnitOfWork", "Athlete"], list[str]]


def _athlete_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--athlete", type=int, required=True, metavar="ID")


def register(sub: Any) -> None:
    uploads: argparse.ArgumentParser = sub.add_parser("uploads", help="list or delete uploads")
    usub = uploads.add_subparsers(dest="uploads_command", required=True, metavar="ACTION")
    listing = usub.add_parser("list", help="an athlete's uploads, newest first")
    _athlete_option(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(func=run_list)
    delete = usub.add_parser(
        "delete", help="delete an upload; the athlete's days are rebuilt from the other uploads"
    )
    _athlete_option(delete)
    delete.add_argument("upload_id", metavar="UPLOAD_ID")
    delete.set_defaults(func=run_delete)

    export: argparse.ArgumentParser = sub.add_parser(
        "export", help="write an athlete's data to a zip of CSV files (with a README)"
    )
    _athlete_option(export)
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="the zip to write")
    export.set_defaults(func=run_export)

    keys: argparse.ArgumentParser = sub.add_parser("keys", help="manage an athlete's API key")
    ksub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = ksub.add_parser("rotate", help="issue a new API key; every earlier key stops working")
    _athlete_option(rotate)
    rotate.set_defaults(func=run_rotate)


def with_athlete(athlete_id: int, action: Action) -> int:
    """Run ``action`` in one unit of work on the athlete ``athlete_id`` and print its lines
    once that is committed; exit 2 with a one-line reason when there is no such athlete, the
    action refuses, or a file cannot be written."""
    from readiness.api.errors import failure_body
    from readiness.api.services.accounts import get_athlete
    from readiness.api.services.errors import MissingError
    from readiness.api.services.uploads import UploadService

    settings = load_settings()

    def run(db: Database, work: UnitOfWork) -> list[str]:
        athlete = get_athlete(work, athlete_id)
        if athlete is None:
            raise MissingError(f"no athlete {athlete_id}")
        service = UploadService.configured(db.sessions, settings, failure_body)
        return action(service, work, athlete)

    return in_unit(run, settings)


def run_list(args: argparse.Namespace) -> int:
    from readiness.api.services.uploads import uploads_page

    def show(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        rows, _ = uploads_page(work, athlete.id, limit=1_000_000, offset=0)
        listed: list[dict[str, Any]] = [
            {
                "id": u.id,
                "filename": u.filename,
                "status": u.status,
                "format": u.format,
                "created": u.created.isoformat(),
                "days": u.days,
                "sessions": u.sessions,
                "checkins": u.checkins,
            }
            for u in rows
        ]
        if args.json:
            return [json.dumps(listed, ensure_ascii=False)]
        return [
            *(
                f"{u['id']}  {u['status']:<10}  {u['created'][:19]}  {u['filename']}  "
                f"({u['days']} days, {u['sessions']} workouts, {u['checkins']} check-ins)"
                for u in listed
            ),
            f"{len(listed)} upload(s)",
        ]

    return with_athlete(args.athlete, show)


def run_delete(args: argparse.Namespace) -> int:
    def delete(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        service.delete(work, athlete.id, args.upload_id)
        return [f"upload {args.upload_id} deleted; the days are rebuilt from the other uploads"]

    return with_athlete(args.athlete, delete)


def run_export(args: argparse.Namespace) -> int:
    from readiness.api.services.export import write_export

    def export(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        out: Path = args.out
        with write_export(work, athlete, now=service.clock()) as zipped, out.open("wb") as fh:
            shutil.copyfileobj(zipped, fh)
        return [f"athlete {athlete.id}: data written to {out} ({out.stat().st_size} bytes)"]

    return with_athlete(args.athlete, export)


def run_rotate(args: argparse.Namespace) -> int:
    from readiness.api.services.accounts import rotate_key

    def rotate(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        issued = rotate_key(work, athlete.id)
        return [
            f"athlete {athlete.id}: every earlier API key is revoked",
            f"API key (shown once, store it now): {issued.key}",
        ]

    return with_athlete(args.athlete, rotate)
