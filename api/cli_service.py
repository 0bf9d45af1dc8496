"""``readiness serve`` (the API and dashboard) and ``readiness demo`` (what ``make demo`` runs).

The service modules are imported when a command runs, so other commands stay light.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from .cli_common import EXIT_BAD_INPUT

__all__ = ["register"]

APP_FACTORY = "readiness.api.app:create_app"


def register(sub: Any) -> None:
    serve: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve the API and the dashboard (configuration from the environment)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.set_defaults(func=run_serve)

    demo: argparse.ArgumentParser = sub.add_parser(
        "demo", help="create the sample athlete, import sample_data/ and serve on 127.0.0.1:8000"
    )
    demo.add_argument("--data", type=Path, default=Path("sample_data"), help="sample folder")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="set up, print the key, and exit")
    demo.set_defaults(func=run_demo)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .settings import Settings

    settings = Settings()
    if not _database_ready(settings):
        return EXIT_BAD_INPUT
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        proxy_headers=True,
    )
    return 0


def _database_ready(settings: Any) -> bool:
    """Migrate once, before any worker starts; one readable line when the database is down."""
    from sqlalchemy.exc import SQLAlchemyError

    from .db import open_database

    try:
        open_database(settings).dispose()
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else str(exc)
        print(f"readiness: cannot use the database: {reason.strip()}", file=sys.stderr)
        return False
    return True


def _read_manifest(manifest: Path) -> tuple[dict[str, Any], list[Path]]:
    """The ``[athlete]`` table and the data files (``[[files]]`` paths, else the folder)."""
    with manifest.open("rb") as fh:
        data = tomllib.load(fh)
    athlete = data.get("athlete")
    if not isinstance(athlete, dict) or "name" not in athlete or "timezone" not in athlete:
        raise ValueError(f"{manifest}: expected an [athlete] table with name and timezone")
    files = [manifest.parent / str(f["path"]) for f in data.get("files", []) if "path" in f]
    return athlete, files or [manifest.parent]


def run_demo(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy import select

    from .accounts import create_athlete, issue_key
    from .app import create_app
    from .cli_athletes import import_paths
    from .db import open_database
    from .models import Athlete
    from .settings import Settings

    manifest = args.data / "MANIFEST.toml"
    if not manifest.is_file():
        print(f"readiness: {manifest} not found (run from the repository root)", file=sys.stderr)
        return EXIT_BAD_INPUT
    spec, files = _read_manifest(manifest)
    settings = Settings()
    if not _database_ready(settings):
        return EXIT_BAD_INPUT
    db = open_database(settings)
    try:
        with db.sessions() as s, s.begin():
            athlete = s.scalars(
                select(Athlete).where(Athlete.name == spec["name"]).order_by(Athlete.id)
            ).first()
            if athlete is None:
                athlete, key = create_athlete(
                    s,
                    name=str(spec["name"]),
                    timezone=str(spec["timezone"]),
                    hr_rest=spec.get("hr_rest"),
                    hr_max=spec.get("hr_max"),
                    sex=spec.get("sex"),
                )
            else:
                key = issue_key(s, athlete.id)  # keys are stored hashed: a new one each run
            athlete_id = athlete.id
        failed = import_paths(db, athlete_id, files, progress=sys.stderr.isatty())
    finally:
        db.dispose()
    url = f"http://{args.host}:{args.port}/"
    print()
    print(f"Sample athlete {athlete_id} ({spec['name']}, {spec['timezone']}) is ready.")
    print(f"API key: {key}")
    print(f"Dashboard: {url}  (paste the key to sign in)")
    print(f"API docs:  {url}docs")
    print(f'Try: curl -H "Authorization: Bearer {key}" {url}v1/readiness/today')
    print("Not medical advice.")
    if failed:
        print(f"readiness: {failed} sample file(s) could not be read", file=sys.stderr)
    if args.no_serve:
        return 0
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0
