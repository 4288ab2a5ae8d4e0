"""renkei (連携): read, check, store and publish regional-collaboration vision plans."""

__version__ = "0.1.0"
