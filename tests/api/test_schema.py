"""Schemathesis against the running server: every operation of /openapi.json, with data made
from the schema (valid and invalid), never a 5xx, and every answer as the document describes it
(status, content type, headers, body)."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import NewKey, order_doc
from wms_terminal.core.auth import GRANTABLE

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # per operation and mode: enough to reach every branch, small enough for CI


def test_every_operation_keeps_to_its_schema(api_url: str, new_key: NewKey) -> None:
    # Every permission: each operation is reached past its 403 (events, returns, payments ...).
    every = [x for p in sorted(GRANTABLE) for x in ("--permission", p)]
    auth = {"Authorization": f"Bearer {new_key('schema', *every)}"}
    made = httpx.post(f"{api_url}/v1/orders", json=order_doc("SCHEMA-1"), headers=auth)
    assert made.status_code == 201
    existing = made.json()["order"]
    schema = schemathesis.openapi.from_url(f"{api_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /v1/orders", "GET /v1/stock"}
    for op in operations:
        variants: list[dict[str, Any]] = [
            {"generation_mode": GenerationMode.POSITIVE},
            {"generation_mode": GenerationMode.NEGATIVE},
        ]
        if "{number}" in op.path:  # also an order that exists, not only made-up numbers
            variants.append({"path_parameters": {"number": existing}})
        for variant in variants:
            _run(op.as_strategy(**variant), api_url, auth)


def _run(strategy: Any, api_url: str, auth: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        case.call_and_validate(base_url=api_url, headers=auth, checks=CHECKS)

    check()
