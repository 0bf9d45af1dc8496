"""Persistence: the engine and session factory (``engine``), the SQLAlchemy models, Alembic
migrations, the repositories that read and write tables, and the unit of work."""
