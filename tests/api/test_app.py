"""The application in-process (ASGI): lifespan, CORS, documented problems, static dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import anyio
import httpx
from readiness.api import Settings, create_app


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'app.db'}", **kw
    )


Call = tuple[str, str, dict[str, str]]


async def _requests(app: object, calls: list[Call]) -> list[httpx.Response]:
    out = []
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            for method, path, headers in calls:
                out.append(await c.request(method, path, headers=headers))
    return out


def test_cors_allows_only_configured_origins(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, cors_origins=["https://ok.example"]))
    pre = {
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    ok, bad = anyio.run(
        _requests,
        app,
        [
            ("OPTIONS", "/v1/me", {"Origin": "https://ok.example", **pre}),
            ("OPTIONS", "/v1/me", {"Origin": "https://evil.example", **pre}),
        ],
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://ok.example"
    assert "access-control-allow-origin" not in bad.headers


def test_no_cors_by_default_and_dashboard_is_served(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    page, health, spec, docs = anyio.run(
        _requests,
        app,
        [
            ("GET", "/", {"Origin": "https://x.example"}),
            ("GET", "/healthz", {}),
            ("GET", "/openapi.json", {}),
            ("GET", "/docs", {}),
        ],
    )
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers
    assert page.status_code == 200 and "access-control-allow-origin" not in page.headers
    assert '<script src="vendor/uplot/uPlot.iife.min.js">' in page.text
    assert health.json() == {"status": "ok", "database": "ok"}
    paths = spec.json()["paths"]
    upload = paths["/v1/uploads"]["post"]["responses"]
    for code in ("201", "200", "202", "401", "413", "415", "422"):
        assert code in upload, code
    assert "application/problem+json" in upload["413"]["content"]
    assert set(paths) >= {
        "/v1/athletes",
        "/v1/me",
        "/v1/uploads/{upload_id}",
        "/v1/readiness/today",
        "/v1/readiness/{day}",
        "/v1/readiness",
        "/v1/days",
        "/v1/sessions",
        "/v1/checkins",
        "/v1/feedback",
        "/healthz",
    }


def test_docs_work_offline(tmp_path: Path) -> None:
    """``/docs`` references only this service: Swagger UI's files are vendored and served."""
    app = create_app(_settings(tmp_path))
    (docs,) = anyio.run(_requests, app, [("GET", "/docs", {})])
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    html = docs.text
    assert "SwaggerUIBundle(" in html
    assert re.findall(r"https?://", html) == []  # no CDN, no validator badge, no other host
    assert '"validatorUrl": null' in html
    refs = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert set(refs) == {
        "/vendor/swagger-ui/swagger-ui-bundle.js",
        "/vendor/swagger-ui/swagger-ui.css",
        "/vendor/swagger-ui/favicon-32x32.png",
        "/openapi.json",
    }
    got = anyio.run(
        _requests, app, [("GET", ref, {}) for ref in sorted(refs)] + [("GET", "/redoc", {})]
    )
    *assets, redoc = got
    for ref, r in zip(sorted(refs), assets, strict=True):
        assert r.status_code == 200, ref
    kinds = {ref.rsplit(".", 1)[-1]: r for ref, r in zip(sorted(refs), assets, strict=True)}
    assert kinds["js"].headers["content-type"].split(";")[0] in {
        "text/javascript",
        "application/javascript",
    }
    assert len(kinds["js"].content) > 500_000 and b"SwaggerUIBundle" in kinds["js"].content
    assert kinds["css"].headers["content-type"].startswith("text/css")
    assert kinds["png"].content.startswith(b"\x89PNG")
    assert kinds["json"].json()["info"]["title"] == "readiness"
    assert redoc.status_code == 404  # ReDoc would load from a CDN: not served
