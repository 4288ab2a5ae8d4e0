"""The database store: tables, engine and sessions, Alembic migrations and repository functions."""
