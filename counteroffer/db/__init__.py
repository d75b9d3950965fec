"""Persistence: SQLAlchemy models on their own metadata, and the Alembic migrations."""
# The tables kept in their own modules import ``models`` for its ``Base``; importing them here
# puts every table on ``models.metadata`` whichever module of ``db`` is imported first.
from . import guards, models, quotes, results, rule_changes, rulesets  # noqa: F401
from .engine import make_engine, make_session_factory, transaction
from .migrate import upgrade

__all__ = ["make_engine", "make_session_factory", "transaction", "upgrade"]
