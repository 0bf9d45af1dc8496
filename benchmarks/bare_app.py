"""The baseline of ``benchmarks/daily_endpoint.py``: a bare FastAPI ``async`` endpoint.

Served by the same uvicorn (same HTTP implementation, event loop and access log) as the
service, so the ratio measures what the service adds to a request, not the server.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, str]:
    return {"status": "ok"}
