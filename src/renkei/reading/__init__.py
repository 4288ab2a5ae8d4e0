"""Readers: text in, domain objects out. No database, no web."""
