"""Prometheus metrics of a running `auth-return serve --metrics-listen`: parsed with the
Prometheus project's own OpenMetrics parser (`prometheus_client`), scraped before and after a
sign-up and sign-ins by the real clients (boto3, pycognito's SRP), and never on the public port.

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import os
import subprocess

import pytest
import requests
from botocore.exceptions import ClientError
from prometheus_client.openmetrics.parser import text_string_to_metric_families
from pycognito import Cognito

from support import (  # noqa: F401  (auth_return is a fixture)
    PASSWORD,
    REGION,
    auth_return,
    clean_env,
    code_of,
    confirm,
    create_app,
    free_port,
    make_idp_client,
    sign_up,
    unique_email,
    wait_for_message,
)

OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    """Every sample, keyed by its name and sorted labels, through the strict OpenMetrics parser."""
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == OPENMETRICS
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def grew(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def pycognito_user(url: str, app: dict, email: str) -> Cognito:
    return Cognito(
        app["user_pool_id"],
        app["client_id"],
        user_pool_region=REGION,
        username=email,
        boto3_client_kwargs={
            "endpoint_url": url,
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "dummy-secret",
        },
    )


def test_the_metrics_listener_counts_what_the_clients_do(auth_return):
    metrics = f"127.0.0.1:{free_port()}"
    server = auth_return("--metrics-listen", metrics)
    url = f"http://{metrics}/metrics"
    app = create_app(server, "Metered")
    idp = make_idp_client(server.url)
    before = scrape(url)

    email = unique_email("metered")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(server.outbox, email)))
    user = pycognito_user(server.url, app, email)
    user.authenticate(password=PASSWORD)
    assert user.id_token
    with pytest.raises(ClientError) as refused:
        pycognito_user(server.url, app, email).authenticate(password="Wrong-Horse-9!")
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    after = scrape(url)
    assert grew(before, after, "auth_return_sign_ins_total", result="success") == 1
    assert grew(before, after, "auth_return_sign_ins_total", result="wrong_password") == 1
    assert grew(before, after, "auth_return_events_total", kind="sign_up") == 1
    assert grew(before, after, "auth_return_mail_total", outcome="sent") == 1
    assert grew(
        before, after, "auth_return_http_requests_total", operation="SignUp", status="200"
    ) == 1
    assert grew(
        before, after, "auth_return_http_requests_total", operation="InitiateAuth", status="200"
    ) == 2
    assert grew(
        before, after, "auth_return_http_request_duration_seconds_count", operation="InitiateAuth"
    ) == 2
    assert after[("auth_return_db_connections_max", ())] >= 1
    assert after[("auth_return_crypto_slots", ())] >= 1

    public = requests.get(f"{server.url}/metrics", timeout=10)
    assert public.status_code == 404
    assert "auth_return_" not in public.text


def test_a_metrics_address_others_reach_needs_saying_so():
    refused = subprocess.run(
        [os.environ["AUTH_RETURN_BIN"], "serve", "--listen", f"127.0.0.1:{free_port()}",
         "--metrics-listen", f"0.0.0.0:{free_port()}", "--data-dir", "/nonexistent/never-made"],
        capture_output=True, text=True, env=clean_env(), timeout=60,
    )
    assert refused.returncode != 0
    assert "is not a loopback address" in refused.stderr, refused.stderr
    assert "--metrics-public" in refused.stderr, refused.stderr
