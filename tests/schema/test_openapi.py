"""Property-based tests of the foundation's REST API from its own OpenAPI document (schemathesis).

Every generated request to the units and accounts endpoints must get an answer that is not a server
error and that matches the schema. The number of examples is bounded so the run stays short.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def api_schema(db: Any) -> Iterator[Any]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ketnoi.wsgi import application

    # Requests go straight to the WSGI application inside the test's transaction: like Django's test
    # client, keep the end of a request from closing that connection (PostgreSQL would lose the test data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(admin_user: Any, bob: Any) -> str:
    from ketnoi.accounts.services import api_token_create

    return api_token_create(user=admin_user, name="schemathesis", by=admin_user)[1]


schema = schemathesis.pytest.from_fixture("api_schema").include(tag_regex="^(units|accounts)$")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_every_generated_request_within_its_schema(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )


def test_the_openapi_document_is_served_locally_with_its_docs(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Kết Nối API"
    paths = document["paths"]
    assert {"/api/v1/units", "/api/v1/units/{code}", "/api/v1/auth/token"} <= set(paths)
    docs = client.get("/api/v1/docs").content.decode()
    assert "openapi.json" in docs
    assert "cdn." not in docs and "unpkg.com" not in docs and "jsdelivr" not in docs
