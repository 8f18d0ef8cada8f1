"""HT-03 (Content-Security-Policy with nonces, and its report endpoint) and HT-04 (Permissions-Policy)."""

import json
import logging

import pytest
from django.urls import reverse

PAGES = ["/accounts/login/", "/", "/policies/", "/disclosures/", "/accounts/password_change/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.strip().split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_a_strict_policy(client, worker, path):
    """HT-03: parsed, not string-compared."""
    if path != "/accounts/login/":
        client.force_login(worker)
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'self'" in policy["script-src"]
    assert any(value.startswith("'nonce-") for value in policy["script-src"])
    for values in policy.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values
    assert policy["report-uri"] == ["/csp-report/"]


@pytest.mark.django_db
def test_each_response_gets_a_new_nonce(client):
    first = [v for v in _policy(client.get("/accounts/login/"))["script-src"] if v.startswith("'nonce-")]
    second = [v for v in _policy(client.get("/accounts/login/"))["script-src"] if v.startswith("'nonce-")]
    assert first != second


@pytest.mark.django_db
def test_permissions_policy_turns_off_unused_features_but_allows_passkeys(client):
    """HT-04."""
    header = client.get("/accounts/login/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"


@pytest.mark.django_db
def test_a_violation_report_is_logged_without_personal_data(client, caplog):
    """HT-03 (e): only the directive, the blocked origin and the page's path are kept."""
    report = {
        "csp-report": {
            "document-uri": "http://testserver/cases/12/?q=Jane+Doe",
            "referrer": "http://testserver/cases/?q=Jane+Doe",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "blocked-uri": "https://evil.example/steal.js?who=jane.doe@example.org",
            "script-sample": "alert('Jane Doe')",
        }
    }
    with caplog.at_level(logging.WARNING, logger="accounts.csp"):
        response = client.post(reverse("csp_report"), json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "script-src-elem" in logged
    assert "https://evil.example" in logged
    assert "/cases/12/" in logged
    for personal in ("Jane", "jane.doe", "steal.js", "alert", "127.0.0.1"):
        assert personal not in logged


@pytest.mark.django_db
def test_the_report_endpoint_is_rate_limited(client):
    body = json.dumps({"csp-report": {"effective-directive": "img-src", "blocked-uri": "data"}})
    statuses = [
        client.post(reverse("csp_report"), body, content_type="application/csp-report").status_code for _ in range(40)
    ]
    assert statuses[:30] == [204] * 30
    assert set(statuses[30:]) == {429}


@pytest.mark.django_db
def test_the_report_endpoint_refuses_junk(client):
    assert client.post(reverse("csp_report"), "not json", content_type="application/json").status_code == 400
    assert client.get(reverse("csp_report")).status_code == 405
