"""Persistence: SQLAlchemy models on their own metadata, and the Alembic migrations."""
from .engine import make_engine, make_session_factory, transaction
from .migrate import upgrade

__all__ = ["make_engine", "make_session_factory", "transaction", "upgrade"]
