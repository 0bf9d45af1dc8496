"""``readiness serve`` (the API and dashboard) and ``readiness demo`` (what ``make demo`` runs).

The sample athlete's story lies in the past, so ``readiness demo`` pins the service's clock
(``READINESS_NOW``) to the evening of the story's last day — the manifest's ``end`` — unless
``--real-clock`` is given, and saves the pin in ``.env`` so that every later command run from
the same folder (``serve``, ``today``, ``import``) is on the dashboard's clock; they say so in
one line. ``--real-clock`` removes that line again. A pin already set (environment or ``.env``)
is kept. Without an admin token configured, the demo also saves a new
``READINESS_ADMIN_TOKEN`` in ``.env`` and prints it. The service modules are imported when a
command runs, so other commands stay light.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from readiness.api.cli.common import (
    ENV_FILE,
    EXIT_BAD_INPUT,
    NOW_VARIABLE,
    clock_pin,
    load_settings,
    port_arg,
)

if TYPE_CHECKING:
    from readiness.api.settings import Settings

__all__ = ["database_ready", "register"]

APP_FACTORY = "readiness.api.app:create_app"
#: Local hour of the story's last day the demo clock is pinned to (the evening: the day's
#: training is done and the call is the one for that day).
DEMO_HOUR = 20


def register(sub: Any) -> None:
    serve: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve the API and the dashboard (configuration from the environment)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port_arg, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="API server processes")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="run no job worker in the server (PostgreSQL: jobs run in `readiness worker`)",
    )
    serve.set_defaults(func=run_serve)

    demo: argparse.ArgumentParser = sub.add_parser(
        "demo", help="create the sample athlete, import sample_data/ and serve on 127.0.0.1:8000"
    )
    demo.add_argument("--data", type=Path, default=Path("sample_data"), help="sample folder")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=port_arg, default=8000, help="TCP port (make demo PORT=…)")
    demo.add_argument("--no-serve", action="store_true", help="set up, print the key, and exit")
    demo.add_argument(
        "--real-clock",
        action="store_true",
        help="use the real date and time instead of pinning the clock to the sample's last day",
    )
    demo.set_defaults(func=run_demo)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = load_settings(clock=True)
    if args.no_worker and settings.is_sqlite:
        print(
            "readiness: --no-worker needs PostgreSQL: with SQLite the job worker runs inside "
            "`readiness serve` (SQLite is one machine)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if not database_ready(settings):
        return EXIT_BAD_INPUT
    if args.no_worker:
        os.environ["READINESS_EMBEDDED_WORKER"] = "false"  # read by each server process
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        proxy_headers=True,
    )
    return 0


def database_ready(settings: Any) -> bool:
    """Migrate once, before any worker starts; one readable line when the database is down."""
    from readiness.api.storage.engine import open_database
    from sqlalchemy.exc import SQLAlchemyError

    try:
        open_database(settings).dispose()
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else str(exc)
        print(f"readiness: cannot use the database: {reason.strip()}", file=sys.stderr)
        return False
    return True


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the demo needs from ``MANIFEST.toml``."""

    #: The ``[athlete]`` table (``name`` and ``timezone`` at least).
    athlete: dict[str, Any]
    #: The data files (``[[files]]`` paths, else the folder).
    files: list[Path]
    #: The story's last day (``end``), if the manifest names one.
    end: dt.date | None


def _read_manifest(manifest: Path) -> Manifest:
    """Read ``MANIFEST.toml``; ``ValueError`` naming the file when it is not usable."""
    try:
        with manifest.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{manifest}: not valid TOML: {exc}") from exc
    athlete = data.get("athlete")
    if not isinstance(athlete, dict) or "name" not in athlete or "timezone" not in athlete:
        raise ValueError(f"{manifest}: expected an [athlete] table with name and timezone")
    try:
        ZoneInfo(str(athlete["timezone"]))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"{manifest}: [athlete] timezone {athlete['timezone']!r} is not an IANA zone"
        ) from exc
    end = data.get("end")
    if end is not None and (isinstance(end, dt.datetime) or not isinstance(end, dt.date)):
        raise ValueError(f"{manifest}: expected end = YYYY-MM-DD (the story's last day)")
    files = [manifest.parent / str(f["path"]) for f in data.get("files", []) if "path" in f]
    return Manifest(athlete=athlete, files=files or [manifest.parent], end=end)


def demo_instant(end: dt.date, timezone: str) -> dt.datetime:
    """:data:`DEMO_HOUR` local time on ``end`` in ``timezone``, as an aware UTC instant."""
    local = dt.datetime.combine(end, dt.time(DEMO_HOUR), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def _save_setting(name: str, value: str | None) -> None:
    """Set (or, with ``None``, remove) one variable in :data:`ENV_FILE`, keeping the rest."""
    from dotenv import set_key, unset_key

    if value is None:
        if ENV_FILE.is_file():
            unset_key(ENV_FILE, name)
        return
    ENV_FILE.touch(mode=0o600, exist_ok=True)
    set_key(ENV_FILE, name, value, quote_mode="never")


def _demo_clock(
    settings: Settings, manifest: Manifest, real_clock: bool
) -> tuple[Settings, str | None]:
    """The demo's settings (clock pinned unless asked not to) and the line that says so.

    A new pin is saved in :data:`ENV_FILE`; ``real_clock`` removes it from there."""
    tz = str(manifest.athlete["timezone"])
    if real_clock:
        from dotenv import dotenv_values

        if ENV_FILE.is_file() and NOW_VARIABLE in dotenv_values(ENV_FILE):
            _save_setting(NOW_VARIABLE, None)
            print(f"readiness: removed {NOW_VARIABLE} from {ENV_FILE}", file=sys.stderr)
        return settings.model_copy(update={"now": None}), None
    pin = clock_pin(settings)
    if settings.now is not None and pin is not None:
        local = settings.now.astimezone(ZoneInfo(tz))
        line = (
            f"Demo clock: pinned to {local:%Y-%m-%d %H:%M} {tz} by {pin[1]} ({NOW_VARIABLE}); "
            "pass --real-clock for the real date."
        )
        return settings, line
    if manifest.end is None:
        return settings, "Demo clock: real (the manifest names no `end` day to pin it to)."
    pinned = demo_instant(manifest.end, tz)
    _save_setting(NOW_VARIABLE, pinned.astimezone(ZoneInfo(tz)).isoformat())
    line = (
        f"Demo clock: pinned to {manifest.end} {DEMO_HOUR:02d}:00 {tz}, the evening of the "
        f"sample story's last day, so 'today' has data; saved in {ENV_FILE} ({NOW_VARIABLE}), "
        "which `readiness serve`, `today` and `import` follow (pass --real-clock for the real "
        "date)."
    )
    return settings.model_copy(update={"now": pinned}), line


def _demo_admin_token(settings: Settings) -> tuple[Settings, str | None]:
    """The configured admin token, else a new one saved in :data:`ENV_FILE` (and returned)."""
    if settings.admin_token:
        return settings, None
    token = secrets.token_urlsafe(32)
    _save_setting("READINESS_ADMIN_TOKEN", token)
    return settings.model_copy(update={"admin_token": token}), token


def run_demo(args: argparse.Namespace) -> int:
    import uvicorn
    from readiness.api.app import create_app
    from readiness.api.cli.athletes import import_paths
    from readiness.api.services.accounts import athlete_named, create_athlete, issue_key
    from readiness.api.storage.engine import open_database
    from readiness.api.storage.unit_of_work import unit_of_work

    manifest = args.data / "MANIFEST.toml"
    if not manifest.is_file():
        print(f"readiness: {manifest} not found (run from the repository root)", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        read = _read_manifest(manifest)
    except (OSError, ValueError) as exc:
        print(f"readiness: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    spec, files = read.athlete, read.files
    settings, clock_line = _demo_clock(load_settings(), read, args.real_clock)
    settings, new_token = _demo_admin_token(settings)
    if not database_ready(settings):
        return EXIT_BAD_INPUT
    db = open_database(settings)
    try:
        with unit_of_work(db.sessions) as work:
            athlete = athlete_named(work, str(spec["name"]))
            if athlete is None:
                athlete, key = create_athlete(
                    work,
                    name=str(spec["name"]),
                    timezone=str(spec["timezone"]),
                    hr_rest=spec.get("hr_rest"),
                    hr_max=spec.get("hr_max"),
                    sex=spec.get("sex"),
                )
            else:
                key = issue_key(work, athlete.id)  # keys are stored hashed: a new one each run
            athlete_id = athlete.id
        failed = import_paths(
            db, athlete_id, files, progress=sys.stderr.isatty(), clock=settings.current_time
        )
    finally:
        db.dispose()
    url = f"http://{args.host}:{args.port}/"
    print()
    print(f"Sample athlete {athlete_id} ({spec['name']}, {spec['timezone']}) is ready.")
    if clock_line:
        print(clock_line)
    print(f"API key: {key}")
    if new_token:
        print(f"Admin token (saved in {ENV_FILE} as READINESS_ADMIN_TOKEN): {new_token}")
    else:
        print("Admin token: the READINESS_ADMIN_TOKEN you configured")
    print(f"Dashboard: {url}  (paste the API key to sign in)")
    print(f"API docs:  {url}docs")
    print(f'Try: curl -H "Authorization: Bearer {key}" {url}v1/readiness/today')
    print("Not medical advice.")
    if failed:
        print(f"readiness: {failed} sample file(s) could not be read", file=sys.stderr)
    if args.no_serve:
        print(f"Serve it: readiness serve --host {args.host} --port {args.port}")
        return 0
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0
