"""Structured logs: JSON lines with the request id, from `renkei serve` (a real server process) and the formatter."""

from __future__ import annotations

import json
import logging
import logging.config
import socket
import subprocess
import sys
import time

import httpx
import pytest

from renkei.web.json_log import JsonFormatter, uvicorn_log_config
from renkei.web.request_id import current_request_id


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_line_is_one_json_object_with_the_request_id_and_extras() -> None:
    token = current_request_id.set("req-7")
    try:
        try:
            raise ValueError("二行の\nメッセージ")
        except ValueError:
            record = logging.LogRecord("renkei.error", logging.ERROR, __file__, 1, "失敗 %s", ("x",), sys.exc_info())
        record.path = "/a/kitakyushu/"
        line = JsonFormatter().format(record)
    finally:
        current_request_id.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == "req-7" and parsed["message"] == "失敗 x" and parsed["level"] == "error"
    assert parsed["path"] == "/a/kitakyushu/" and "ValueError: 二行の\nメッセージ" in parsed["exception"]
    assert parsed["time"].endswith("+00:00")


def test_the_serve_configuration_is_one_that_logging_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    logging.config.dictConfig(uvicorn_log_config())
    try:
        logging.getLogger("uvicorn.error").info("Started server process")
        logging.getLogger("renkei.health").warning("readyz: down")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False,
                                   "loggers": {n: {"handlers": [], "propagate": True}
                                               for n in ("uvicorn", "uvicorn.error", "uvicorn.access", "renkei")}})
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    assert [(x["logger"], x["message"]) for x in lines] == [("uvicorn.error", "Started server process"),
                                                            ("renkei.health", "readyz: down")]


def test_serve_writes_json_lines_with_access_lines(example_url: str) -> None:
    port = free_port()
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--port", str(port),
               "--database-url", example_url]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    try:
        answer = None
        for _ in range(300):  # wait until uvicorn listens; the outcome, not the time, is asserted
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/a/kitakyushu/nowhere",
                                   headers={"X-Request-ID": "serve-1"}, timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail("the server exited")
                time.sleep(0.1)
        assert answer is not None and answer.status_code == 404 and answer.headers["x-request-id"] == "serve-1"
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    lines = [json.loads(line) for line in errors.splitlines() if line.strip()]  # every line is JSON
    access = [x for x in lines if x["logger"] == "renkei.access"]
    assert [(x["method"], x["path"], x["status"], x["request_id"]) for x in access] == [
        ("GET", "/a/kitakyushu/nowhere", 404, "serve-1")]
    assert isinstance(access[0]["duration_ms"], float)
    assert any(x["logger"] == "uvicorn.error" and "Uvicorn running" in x["message"] for x in lines)
    assert not any(x["logger"] == "uvicorn.access" for x in lines)  # one access line per request, ours
