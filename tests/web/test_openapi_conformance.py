"""The OpenAPI schema matches every answer: schemathesis over the live ASGI app, all checks, anonymous and as each role.

Each API operation is called with generated parameters — valid ones and invalid ones — and every answer is checked
against /openapi.json: status codes, content types, bodies, headers, and that valid requests are accepted and
invalid ones refused. The API is public, but a staff session travels with the cookie of the same site, so the run
is repeated signed in as each role: a session must change nothing the schema does not say. Bounded by
:data:`EXAMPLES` per operation (about a minute on a developer's machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from renkei.cli.portal import import_example
from renkei.services.accounts import create_user
from renkei.services.signin import sign_in
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

KEY = "openapi-conformance-session-key-0123456789"
PASSWORD = "correct horse battery staple"
#: Generated cases per operation and role.
EXAMPLES = 15
ROLES = {"admin": ("admin", None), "editor": ("editor", None), "yukuhashi": ("municipality", "402133"),
         "viewer": ("viewer", None)}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """Return the app on the example database and a session token per role."""
    folder = tmp_path_factory.mktemp("openapi")
    url = f"sqlite:///{folder / 'renkei.db'}"
    import_example(url)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        for name, (role, code) in ROLES.items():
            create_user(session=session, username=name, role=role, password=PASSWORD, actor="test",
                        municipality_code=code)
        tokens = {name: sign_in(session=session, username=name, password=PASSWORD, address="127.0.0.1",
                                key=KEY.encode(), settings=Settings(session_key=KEY)).token for name in ROLES}
    engine.dispose()
    app = create_app(Settings(database_url=url, session_key=KEY, data_dir=folder))
    yield app, tokens
    app.state.engine.dispose()


def _check_operation(operation: Any, headers: dict[str, str] | None, found: dict[str, str]) -> None:
    """Call one operation with valid and invalid generated parameters; note each distinct failure once."""
    label = operation.label
    cases = st.one_of(  # mostly the stored area, so that answers other than "no such area" are checked too
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"area": "kitakyushu"}),
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters={"area": "kitakyushu"}),
    )

    @given(case=cases)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              phases=[Phase.explicit, Phase.generate])
    def run(case: schemathesis.Case[Any]) -> None:
        try:
            case.call_and_validate(headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.setdefault(f"{label}: {failure.title}", f"{failure.message}\n  {case.as_curl_command()}")

    run()


def _failures(schema: schemathesis.BaseSchema, headers: dict[str, str] | None) -> list[str]:
    """Run every operation through all checks; return each distinct failure once, in words."""
    found: dict[str, str] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # an operation the tool cannot read is a failure too
        _check_operation(result.ok(), headers, found)
    return [f"{key}\n  {detail}" for key, detail in found.items()]


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_answer_matches_the_schema(portal: tuple[FastAPI, dict[str, str]], role: str) -> None:
    app, tokens = portal
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # a query string too long to serve (414, documented) refuses an invalid request as well as a 422 would
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "414"]  # a new list: the default is shared
    assert len(list(schema.get_all_operations())) >= 10  # every API operation, none skipped
    headers = None if role == "anonymous" else {"Cookie": f"renkei_session={tokens[role]}"}
    failures = _failures(schema, headers)
    assert not failures, "\n".join(failures)
