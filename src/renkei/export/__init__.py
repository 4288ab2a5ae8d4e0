"""Exports: plans and progress as JSON, CSV, xlsx and more."""
