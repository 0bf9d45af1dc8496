"""ASGI middleware: security headers on every response, and the request-body size limit."""
