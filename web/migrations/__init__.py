"""Alembic migrations of the store's schema (web.schema runs them; README "Scaling out")."""
