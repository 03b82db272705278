# SPDX-License-Identifier: EUPL-1.2
"""The API keeps its own OpenAPI promises: property-based tests with schemathesis, in-process.

Every documented operation is called with generated input, once with a staff token (all staff
roles) and once with a partner token; no answer may be a server error, and every answer must
match the documented status codes and response schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from flagdesk.accounts import service as accounts
from flagdesk.accounts.constants import STAFF_ROLES
from flagdesk.accounts.models import PartnerOrganisation
from flagdesk.conftest import make_user
from flagdesk.elections.models import Election
from flagdesk.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
BOUNDED = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


# Loaded at import: the public document needs no database, and each operation becomes its
# own test (the lazy fixture loader of schemathesis 4 does not work with pytest 9).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def unthrottled() -> Iterator[None]:
    # The generated calls come faster than a partner's real rate limit allows.
    rest = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"partner": "100000/min"}}
    with override_settings(REST_FRAMEWORK=rest):
        yield


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, not through Django's test client.

    Django would then close the database connection after each request (it is inside the
    test's transaction, so it looks unusable); on PostgreSQL that ends the test's transaction.
    Django's own test client disconnects the same handlers.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(open_election: Election) -> str:
    user = make_user("omni", *STAFF_ROLES)
    return accounts.issue_token(name="schemathesis", user=user)[1]


@pytest.fixture
def partner_token(nos: PartnerOrganisation, open_election: Election) -> str:
    return accounts.issue_token(name="schemathesis", organisation=nos)[1]


@schema.parametrize()
@BOUNDED
def test_api_keeps_its_contract_for_staff(case: Any, staff_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_api_keeps_its_contract_for_partners(case: Any, partner_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {partner_token}"}, checks=CHECKS)


def test_openapi_document_is_public_and_versioned(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["API-Version"]
    document = response.json()
    assert document["info"]["version"] == response["API-Version"]
    for path, operations in document["paths"].items():
        assert not path.endswith("/")
        for operation in operations.values():
            for code, answer in operation["responses"].items():
                assert "API-Version" in answer["headers"], (path, code)
                if code.startswith(("4", "5")):
                    assert "application/problem+json" in answer["content"]
            if "requestBody" in operation:
                assert "400" in operation["responses"]


def test_unknown_paths_under_ids_are_problem_404(db: Any, staff_token: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {staff_token}")
    for path in (
        "/api/v1/signalen/99999999999999999999",
        "/api/v1/signalen/-1",
        "/api/v1/zaken/%00",
        "/api/v1/besluiten/abc/goedkeuring",
    ):
        response = (
            client.get(path)
            if "goedkeuring" not in path
            else client.post(path, {"approve": True}, content_type="application/json")
        )
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert response["API-Version"]


# What the UI does and the API must do too (issue 16): the resources by path and method.
# A route that disappears, or a resource the UI gains without its API, fails here first.
RESOURCES_THE_UI_HAS = {
    "a case's notices": ("/zaken/{reference}/meldingen", "get"),
    "editing a notice": ("/meldingen/{id}", "patch"),
    "sending a notice": ("/meldingen/{id}/verzending", "post"),
    "a follow-up": ("/meldingen/{id}/vervolgmeldingen", "post"),
    "a portal submission": ("/meldingen/{id}/portaalindiening", "post"),
    "archived mail": ("/berichten", "get"),
    "a message's raw original": ("/berichten/{id}/origineel", "get"),
    "linking a message": ("/berichten/{id}/koppeling", "post"),
    "confirming a weak link": ("/berichten/{id}/bevestiging", "post"),
    "the reports": ("/rapportages", "get"),
    "preparing the review": ("/rapportages/{election}/voorbereiding", "post"),
    "deciding a redaction": ("/rapportages/{election}/voorstellen/{id}", "patch"),
    "adding a redaction": ("/rapportages/{election}/documenten/{id}/voorstellen", "post"),
    "redactions in bulk": ("/rapportages/{election}/voorstellen/bulk", "post"),
    "signing off": ("/rapportages/{election}/ondertekening", "post"),
    "downloading a version": ("/rapportages/{election}/versies/{version}/{fmt}", "get"),
    "partner organisations": ("/organisaties", "post"),
    "issuing a partner token": ("/organisaties/{id}/tokens", "post"),
    "revoking a partner token": ("/organisaties/{id}/tokens/{token_id}", "delete"),
    "platform settings": ("/platforms/{code}", "patch"),
    "taking a case": ("/zaken/{reference}/eigenaar", "post"),
    "withdrawing a decision": ("/besluiten/{id}/intrekking", "post"),
    "reassigning a decision": ("/besluiten/{id}/toewijzing", "post"),
    "the narrative registry": ("/narratieven", "get"),
    "linking a case to a narrative": ("/zaken/{reference}/narratieven", "post"),
    "deciding a narrative suggestion": ("/narratief-koppelingen/{id}/beoordeling", "post"),
    "the statistics export": ("/statistieken", "get"),
}


@pytest.mark.parametrize("resource", sorted(RESOURCES_THE_UI_HAS))
def test_the_document_names_what_the_ui_does(db: Any, resource: str) -> None:
    path, method = RESOURCES_THE_UI_HAS[resource]
    document = Client().get("/api/v1/openapi.json").json()
    assert method in document["paths"].get(path, {}), f"{resource}: {method.upper()} {path}"


STATEFUL = settings(
    max_examples=12,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("who", ["staff", "partner"])
def test_following_the_links_never_gives_a_server_error(
    who: str, staff_token: str, partner_token: str
) -> None:
    """Schemathesis's stateful run: sequences of calls that follow the document's links
    (a signal, a decision, an organisation and its token, a follow-up, a redaction to
    their reads and actions) with the ids earlier answers gave."""
    token = staff_token if who == "staff" else partner_token
    # The document schemathesis loaded (Django's test client would reconnect the handlers
    # keep_test_connection took away, and the run's calls would then close the database).
    links = sum(
        len(answer.get("links", {}))
        for path in schema.raw_schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for answer in operation.get("responses", {}).values()
    )
    assert links >= 10  # the document carries the links the run follows

    class Machine(schema.as_state_machine()):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

        def after_call(self, response: Any, case: Any) -> None:
            calls.append((f"{case.method.upper()} {case.path}", response.status_code))

    calls: list[tuple[str, int]] = []
    Machine.run(settings=STATEFUL)
    # Steps were taken, and none failed the checks (validate_response raises). Generated
    # bodies seldom make a valid signal, so whether a link reached a real object depends
    # on the draw; the walkthrough test (test_api_walkthrough.py) does that on purpose.
    assert len(calls) >= 10
