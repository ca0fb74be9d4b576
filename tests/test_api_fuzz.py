"""Every operation of the JSON API, fuzzed by schemathesis from its own OpenAPI schema as a signed-in
user who may see and do everything: no answer is a server error (5xx), and each answer matches the
schema. Parameters out of range (a NUL byte, year 0, a huge offset, 8.5e60 as an amount) are refused
with 400/422, never 500 (issue 18, item 4)."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from anju.api import api
from anju.core.actions import create_api_token
from anju.core.models import Role, User

# The schema as /api/openapi.json serves it (to a signed-in user), the calls made to the WSGI app in-process. A
# copy: schemathesis rewrites the dict it is given, and the API keeps one for every request (`apikit.keep_schema`).
schema = schemathesis.openapi.from_dict(copy.deepcopy(api.get_openapi_schema()))
schema.app = get_wsgi_application()
# The examples per operation: a short run in the normal suite, more with ANJU_FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("ANJU_FUZZ_EXAMPLES", "8"))


# No server error; a status code the schema documents; a body matching the schema of that code.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture(autouse=True)
def connections_kept_open() -> Iterator[None]:
    """As Django's test client does: the app called directly must not close the test's connection (its
    transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def everyone(db: None) -> str:
    user = User.objects.create_user("fuzz", password="x" * 16, full_name="全权测试")
    user.roles.set(Role.objects.all())
    return create_api_token(None, user, name="fuzz")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
@pytest.mark.django_db
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case, everyone: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {everyone}"})
    case.validate_response(response, checks=CHECKS)
