"""Structured logs: one JSON object per line, each carrying the request id, for uvicorn's loggers and renkei's own.

``renkei serve`` hands :func:`uvicorn_log_config` to uvicorn; the access lines come from
:class:`renkei.web.request_id.RequestContext` (method, path, status, duration in ms, id), so uvicorn's own access
log is turned off.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from renkei.web.request_id import current_request_id

#: Attributes every LogRecord has; anything else on a record came as ``extra=`` and goes into the line.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time (UTC), level, logger, message, request id, and any extra fields.

    >>> record = logging.LogRecord("renkei.access", logging.INFO, "", 0, "GET %s", ("/",), None)
    >>> record.status = 200
    >>> line = json.loads(JsonFormatter().format(record))
    >>> line["message"], line["level"], line["status"], line["request_id"]
    ('GET /', 'info', 200, None)
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON line (never more than one line: newlines inside values are escaped)."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def uvicorn_log_config(level: str = "INFO") -> dict[str, Any]:
    """Return the logging configuration ``renkei serve`` gives uvicorn: JSON lines on standard error."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {
            name: {"handlers": ["json"], "level": level, "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "renkei")
        },
    }
