"""The JSON API fuzzed from its own OpenAPI schema (schemathesis): no request it can be sent,
valid or not, makes it answer 500.

Each operation of the schema gets its own Hypothesis run (schemathesis' case strategies),
calling the real application on the crawled SQLite database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from tests.web.conftest import WebDb

# Real crawls or congdoan child processes: left out of the fast lane (-m "not crawl").
pytestmark = pytest.mark.crawl

EXAMPLES = 40  # per operation and mode: enough to hit odd dates, NULs and huge numbers


def test_api_never_fails_with_a_server_error(sqlite_web_db: WebDb) -> None:
    app = sqlite_web_db.client().app
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    tried: list[str] = []
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if len(operation.query) or len(operation.path_parameters):
            modes.append(GenerationMode.NEGATIVE)  # a call without parameters cannot be invalid
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case: schemathesis.Case) -> None:
                response = case.call()
                case.validate_response(response, checks=(not_a_server_error,))

            try:
                run()
            except Unsatisfiable:
                # Only negative mode may find nothing: a path parameter that accepts every
                # string (a site id) has no invalid value to send.
                assert mode is GenerationMode.NEGATIVE, operation.label
                continue
            tried.append(f"{operation.label} {mode.value}")
    assert sum(t.endswith("positive") for t in tried) == len(operations)
    assert sum(t.endswith("negative") for t in tried) >= 4
