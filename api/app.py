"""``create_app(settings)``: the FastAPI application, its lifespan and its middleware.

Nothing happens at import: the engine, the migrations, the blob store, the job queue and the
embedded job worker are created in the lifespan (per server process) and stopped when it ends.
On SQLite the worker is a :class:`~readiness.api.services.jobs.TableWorker` thread (SQLite is
one machine); on PostgreSQL jobs are deferred on procrastinate
(:mod:`readiness.api.services.queue`) and the embedded worker is one procrastinate worker —
``readiness serve --no-worker`` (``READINESS_EMBEDDED_WORKER=false``) leaves jobs to
``readiness worker`` processes. Webhook deliveries go the same way: a
:class:`~readiness.api.services.webhooks.deliveries.DeliveryWorker` thread on SQLite, procrastinate
jobs on PostgreSQL (sent by the same workers). ``/team`` is the coach's page (``static/team.html``).
``/docs`` is Swagger UI
from the package's own files (``static/vendor/swagger-ui``), so it works offline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from readiness.api import access_log
from readiness.api.errors import failure_body, install_handlers
from readiness.api.middleware.body_limit import BodyLimitMiddleware
from readiness.api.middleware.security_headers import SecurityHeadersMiddleware
from readiness.api.routes import health_router, v1
from readiness.api.services.health import DatabaseProbe
from readiness.api.services.jobs import TableWorker
from readiness.api.services.queue import EmbeddedWorker, UploadQueue
from readiness.api.services.read_cache import ReadCache, VerifiedKeys
from readiness.api.services.uploads import UploadService
from readiness.api.services.webhooks.deliveries import DeliveryService, DeliveryWorker
from readiness.api.services.webhooks.events import ANNOUNCE
from readiness.api.services.webhooks.sweep import TodaySweep
from readiness.api.settings import Settings
from readiness.api.storage.engine import Timeouts, open_database
from readiness.api.throttle import AuthThrottle

__all__ = ["DOCS_ASSETS", "STATIC", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"
#: Where Swagger UI's files are served from (a folder of :data:`STATIC`).
DOCS_ASSETS = "/vendor/swagger-ui"
VERSION = "0.1.0"
#: How long shutdown waits for the job in hand; an unfinished job is taken again after its lease.
SHUTDOWN_WAIT_S = 10.0
DESCRIPTION = (
    "Upload wearable exports and get a daily, explainable recovery call. "
    "Authenticate with `Authorization: Bearer <api key>`. Errors are "
    "`application/problem+json` (RFC 9457). **Not medical advice.**"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application. ``settings`` default to the environment (see ``Settings``)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = open_database(settings)
        service = UploadService.configured(db.sessions, settings, failure_body)
        deliveries = DeliveryService.configured(db.sessions, settings)
        lease = timedelta(seconds=settings.job_lease_s)
        worker: TableWorker | EmbeddedWorker | None = None
        sender: DeliveryWorker | None = None
        queue: UploadQueue | None = None
        if settings.is_sqlite:
            if settings.embedded_worker:
                table = TableWorker(service, lease=lease, attempts=settings.job_attempts)
                service = dataclasses.replace(service, notify=table.wake)
                table.service = service
                worker = table
                sweep = TodaySweep(db.sessions, settings.current_time)
                sender = DeliveryWorker(deliveries, sweep, settings.webhook_sweep_s)
                ANNOUNCE.set(sender.wake)
        else:
            timeouts = Timeouts.of(settings)
            queue = UploadQueue(settings.database_url, timeouts)
            service = dataclasses.replace(service, notify=queue.defer)
            ANNOUNCE.set(queue.defer_deliveries)
            if settings.embedded_worker:
                worker = EmbeddedWorker(
                    service,
                    settings.database_url,
                    lease,
                    timeouts,
                    deliveries=deliveries,
                    sweep=TodaySweep(db.sessions, settings.current_time),
                    sweep_s=settings.webhook_sweep_s,
                )
        if worker is not None:
            worker.start()
        if sender is not None:
            sender.start()
        app.state.db = db
        app.state.health = DatabaseProbe(db.sessions)
        app.state.uploads = service
        try:
            yield
        finally:
            ANNOUNCE.set(None)
            if sender is not None:
                sender.stop(timeout=SHUTDOWN_WAIT_S)
            if worker is not None:
                worker.stop(timeout=SHUTDOWN_WAIT_S)
            if queue is not None:
                queue.close()
            db.dispose()

    app = FastAPI(
        title="readiness",
        version=VERSION,
        summary="Daily recovery call from your own wearable data",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from vendored files, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    access_log.install()  # no query-string value reaches the access log
    app.state.auth_throttle = AuthThrottle.of(settings)
    app.state.read_cache = ReadCache(settings.read_cache_entries)
    app.state.verified_keys = VerifiedKeys(settings.auth_cache_s)
    install_handlers(app)
    app.include_router(health_router)
    app.include_router(v1)
    _add_docs(app)
    _add_team_page(app)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_upload_bytes, paths=("/v1/uploads",))
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="dashboard")
    return app


def _add_team_page(app: FastAPI) -> None:
    """``GET /team``: the coach's page (triage of a team), a file of the dashboard."""

    @app.get("/team", include_in_schema=False)
    def team_page() -> FileResponse:
        return FileResponse(STATIC / "team.html", media_type="text/html")


def _add_docs(app: FastAPI) -> None:
    """``GET /docs``: Swagger UI loading its script, style and icon from this service only."""

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        assets = root + DOCS_ASSETS
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{app.title} — API docs",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
            # no badge fetched from validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None},
        )
