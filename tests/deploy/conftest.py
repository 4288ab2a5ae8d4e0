"""Fixtures of the production-setup tests: Debian's nginx, the launcher in deploy/, and a PostgreSQL database."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
LAUNCHER = REPOSITORY / "deploy" / "serve_prod.py"
NGINX = "/usr/sbin/nginx"


@pytest.fixture(scope="session")
def nginx() -> str:
    """Return nginx's path; skip loudly without it, and fail instead when RENKEI_REQUIRE_POSTGRES=1 (CI)."""
    if Path(NGINX).is_file():
        return NGINX
    message = f"nginx is not installed at {NGINX} (scripts/install-system-deps.sh installs it as root)"
    if os.environ.get("RENKEI_REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " and RENKEI_REQUIRE_POSTGRES=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def serve_prod() -> ModuleType:
    """Return deploy/serve_prod.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("serve_prod", LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["serve_prod"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def production_database(postgres: Any) -> Iterator[str]:
    """Yield the URL of an empty PostgreSQL database of its own (the setup migrates it), dropped afterwards."""
    with postgres.scratch("deploy") as url:
        yield url
