"""The REST API against its own contract: schemathesis (PyPI) loads /api/openapi.json from the
running server and calls every operation with data generated from the document, valid and
invalid, then sequences of operations fed by earlier answers, as a developer who owns an app
with a user, a webhook and an API key. No answer may be a 5xx or break the document: its
status, content type, headers and body must be ones the document declares for the operation,
and invalid input must be refused.

Deterministic (a fixed seed, no example database) and bounded: about a minute.
"""

from __future__ import annotations

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis.checks import load_all_checks, not_a_server_error
from schemathesis.specs.openapi import checks

from support import create_owned_app, developer_token, sign_up, unique_email

load_all_checks()

# What every answer is held to.
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.unsupported_method,
]

# Generated cases per operation in the fuzzing phase (the examples and coverage phases add
# theirs): enough to meet every kind of member, few enough for the file to take about a minute.
MAX_EXAMPLES = 100
# Sequences of up to 10 operations the stateful test runs.
SEQUENCES = 100

# A host that can never resolve (RFC 2606): the webhooks the fuzzer registers must not post
# the events of this run to whatever public address it made up.
NOWHERE = "https://hooks.example.invalid/receive"

# Operations that would delete the fixture's app or webhook: they never get its ids (else the
# operations after them would all answer 404), only ids schemathesis made up or took from
# earlier answers (so they do delete the apps and webhooks the fuzzer made).
DELETES_THE_FIXTURE = {"apps_delete", "webhooks_delete"}
# An id of the right shape that names nothing, instead of the fixture's.
UNKNOWN = {"app_id": "app_000000000000", "webhook_id": "wh_00000000000000000000"}

# The statuses each operation answered in the test of single operations (its label: "GET
# /api/apps"), for the test that they were reached at all.
ANSWERS: dict[str, set[int]] = {}


def _api(base_url: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    response = requests.request(
        method,
        f"{base_url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code in (200, 201), f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


@pytest.fixture(scope="module")
def owner(base_url, idp, outbox_path) -> dict:
    """A developer with an app that has a user, a webhook endpoint and an API key: the ids the
    fuzzed operations are pointed at, so that they get past 404 to what the app holds."""
    token = developer_token(base_url, idp, outbox_path)
    app = create_owned_app(base_url, token, "e2e contract")
    user = sign_up(idp, app, unique_email("contract"))
    webhook = _api(
        base_url, token, "POST", f"/api/apps/{app['app_id']}/webhooks",
        {"url": NOWHERE, "event_types": ["sign_in"]},
    )
    key = _api(base_url, token, "POST", "/api/keys", {"app_id": app["app_id"], "name": "contract"})
    return {
        "token": token,
        "key": key["key"],
        "path": {
            "app_id": app["app_id"],
            "user_id": user["UserSub"],
            "webhook_id": webhook["webhook_id"],
        },
    }


@pytest.fixture(scope="module")
def contract(base_url, owner):
    config = schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "seed": 18,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
            # The console token is an access token too: /api/user and /api/keys take it.
            "auth": {
                "openapi": {
                    "console_token": {"bearer": owner["token"]},
                    "user_token": {"bearer": owner["token"]},
                    "api_key": {"api_key": owner["key"]},
                }
            },
        }
    )
    return schemathesis.openapi.from_url(f"{base_url}/api/openapi.json", config=config)


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request):
    """schemathesis 4.32's `from_fixture` reads and renames `Node._nodeid`, which pytest 9.2
    replaced by `Node._id`: give it the attribute it reads (its renaming then shows nowhere)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("contract")


def send_webhooks_nowhere(case) -> None:
    """Gives a webhook URL the fuzzer made up the host that cannot resolve."""
    if "/webhooks" in case.path and isinstance(case.body, dict) and isinstance(case.body.get("url"), str):
        case.body = {**case.body, "url": NOWHERE}


def spare_the_fixture(case, owner: dict) -> None:
    """Points an operation that deletes apps or webhooks away from the fixture's."""
    if case.path_parameters and case.operation.definition.raw.get("operationId") in DELETES_THE_FIXTURE:
        case.path_parameters = {
            name: UNKNOWN[name] if value == owner["path"].get(name) else value
            for name, value in case.path_parameters.items()
        }


def aim(case, owner: dict) -> None:
    """Points `case` at the fixture's app, user and webhook (except to delete them), and its
    webhook URLs nowhere. Done in the test, not in a hook, so that the cases of every phase get
    it; schemathesis revalidates a changed case (is it still invalid?) before judging."""
    if case.path_parameters and case.operation.definition.raw.get("operationId") not in DELETES_THE_FIXTURE:
        case.path_parameters = {
            name: owner["path"].get(name, value) if isinstance(value, str) else value
            for name, value in case.path_parameters.items()
        }
    spare_the_fixture(case, owner)
    send_webhooks_nowhere(case)


@schema.parametrize()
def test_every_operation_keeps_the_contract(case, owner):
    aim(case, owner)
    response = case.call()
    ANSWERS.setdefault(case.operation.label, set()).add(response.status_code)
    case.validate_response(response, checks=CHECKS)


def test_the_operations_were_reached():
    """The test above proves something only if its calls got past authentication and the
    lookups to what the fixture holds: every read, and the writes of apps, succeeded."""
    if not ANSWERS:
        pytest.skip("the test of single operations did not run")
    reads = [label for label in ANSWERS if label.startswith("GET ")]
    assert len(reads) >= 10, sorted(ANSWERS)
    for label in [*reads, "POST /api/apps", "PATCH /api/apps/{app_id}"]:
        assert any(200 <= status < 300 for status in ANSWERS.get(label, ())), f"{label}: {ANSWERS.get(label)}"


def test_sequences_of_operations_keep_the_contract(contract, owner):
    """Operations fed by the answers of earlier ones (an app made, then read, changed and
    deleted; a webhook of it...), along the links schemathesis infers from the document."""

    class Sequences(contract.as_state_machine()):
        def before_call(self, case):
            spare_the_fixture(case, owner)
            send_webhooks_nowhere(case)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[*CHECKS, checks.use_after_free, checks.ensure_resource_availability],
                transport_kwargs=kwargs,
            )

    Sequences.run(
        settings=hypothesis.settings(
            max_examples=SEQUENCES,
            stateful_step_count=10,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
