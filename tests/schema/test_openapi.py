"""Property-based tests of the whole REST API from its own OpenAPI document (schemathesis).

Every operation of the schema gets generated requests (valid and invalid ones) from a system
administrator's token; none may be answered with a server error, and every answer must match the
schema (its status code documented, its body of the documented shape, its content type).

``KETNOI_SCHEMA_EXAMPLES`` sets the examples per operation: 100 in CI's own step (``.ci/run``, on
SQLite), a few in the ordinary test runs so that a new operation is fuzzed at once everywhere.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = int(os.environ.get("KETNOI_SCHEMA_EXAMPLES", "5"))
# Requests sent per operation; written as JSON to $KETNOI_SCHEMA_REPORT when the module ends (CI prints it).
SENT: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    started = time.perf_counter()
    yield
    target = os.environ.get("KETNOI_SCHEMA_REPORT")
    if target:
        summary = {
            "operations": len(SENT),
            "examples": sum(SENT.values()),
            "examples_per_operation_setting": EXAMPLES_PER_OPERATION,
            "seconds": round(time.perf_counter() - started, 1),
            "per_operation": dict(sorted(SENT.items())),
        }
        Path(target).write_text(json.dumps(summary, indent=1), encoding="utf-8")


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


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_operation_answers_every_generated_request_within_its_schema(case: Any, token: str) -> None:
    SENT[f"{case.method} {case.path}"] += 1
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            response_schema_conformance,
            content_type_conformance,
        ],
    )


def test_the_openapi_document_is_served_locally_with_its_docs(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Kết Nối API"
    paths = document["paths"]
    assert {"/api/v1/units", "/api/v1/units/{code}", "/api/v1/auth/token"} <= set(paths)
    docs = client.get("/api/v1/docs").content.decode()
    assert "openapi.json" in docs
    assert "cdn." not in docs and "unpkg.com" not in docs and "jsdelivr" not in docs
