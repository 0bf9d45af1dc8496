"""Use cases, free of HTTP: accounts, uploads and readiness (scoring stored data, reading it back).
No FastAPI import and no HTTP status codes here; routes map the typed errors."""
