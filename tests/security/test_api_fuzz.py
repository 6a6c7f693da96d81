"""schemathesis against the OpenAPI schema: generated requests never make the server fail.

The schema is drf-spectacular's, generated in process; requests go to the Django WSGI application
in process too, inside each test's transaction, signed with an API token of the cast's
organisation's admin. The database holds one object of every kind (``foreign_objects``) and an
initiative of the cast's own organisation; half the generated ids are replaced by the id of a real
object, so that bodies and query parameters reach the views behind the 404 as well.

Bounded and deterministic: the fuzzing phase draws at most ``max_examples`` cases per operation,
derandomised; the coverage phase sends the finite set of boundary values the schema defines.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from madina.accounts.services import api_token_create
from madina.initiatives.tests.factories import InitiativeFactory
from tests.security.test_access_sweep import API_PATHS, _value

# ``schemathesis.openapi.from_wsgi`` would fetch /api/schema/ at collection time, outside any
# test's database access; it then sets ``app`` exactly as done here.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture
def fuzz(cast, foreign_objects):
    """The admin's API key and, per path with an id, the object that id names."""
    own = InitiativeFactory(lead_organisation=cast.organisation, communes=[foreign_objects.commune])
    _token, key = api_token_create(actor=cast.admin, organisation=cast.organisation, name="fuzz")
    ids = {path: _value(spec, foreign_objects) for path, (spec, _private) in API_PATHS.items()}
    # Writes the admin may make: on their own records, so that the body is read and checked.
    ids["/api/initiatives/{id}/"] = own.pk
    ids["/api/initiatives/{id}/reach-reports/"] = own.pk
    ids["/api/organisations/{id}/"] = cast.organisation.pk
    # As Django's test client does: a request must not close the connection holding the test's
    # transaction (PostgreSQL would then answer 503, database unavailable).
    request_started.disconnect(close_old_connections)
    yield key, ids
    request_started.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    # The examples of one operation share the test's database and key on purpose; a busy CI
    # machine is slow.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error(case, fuzz):
    key, ids = fuzz
    parameters = case.path_parameters or {}
    for name, value in parameters.items():
        if isinstance(value, int) and value % 2 == 0 and case.path in ids:
            parameters[name] = ids[case.path]
    case.call_and_validate(
        headers={"Authorization": f"Token {key}"},
        checks=[schemathesis.checks.not_a_server_error],
    )
