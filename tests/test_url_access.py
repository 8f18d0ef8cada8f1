"""AC-01: deny by default. Walk the whole URLconf as an anonymous visitor; every view that is not
on the public list must send them to a log-in page (or refuse outright).

A new URL with a parameter this file has no sample for fails the test, so nothing slips through.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The public views (also listed in boundaries/urls.py).
PUBLIC = {
    "healthz",
    "readyz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "csp_report",  # browsers post Content-Security-Policy reports without a session (HT-03)
    # django-allauth's steps between the password and a session, and single sign-on (docs/security.md)
    "account_login",
    "account_inactive",
    "mfa_authenticate",
    "mfa_login_webauthn",
    "openid_connect_login",
    "openid_connect_callback",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
}
SAMPLE_KWARGS = {
    "pk": 999999,
    "id": 999999,
    "object_id": "999999",
    "content_type_id": 999999,
    "app_label": "auth",
    "uidb64": "MQ",
    "token": "set-password",
    "url": "nowhere",
    "action_id": 999999,
    "attachment_id": 999999,
    "key": "nothing",
    "item_key": "case:999999",
    "uidb36": "1",
    "provider_id": "sso",
}


def named_patterns(resolver=None, namespace="", outer_params=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner, (*outer_params, *entry.pattern.regex.groupindex))
        elif isinstance(entry, URLPattern) and entry.name:
            entry.outer_params = outer_params  # parameters captured by the include()s around it
            yield f"{namespace}{entry.name}", entry


def sample_url(name, pattern):
    params = [*getattr(pattern, "outer_params", ()), *pattern.pattern.regex.groupindex]
    missing = [p for p in params if p not in SAMPLE_KWARGS]
    assert not missing, f"{name}: add a sample value for {missing} to SAMPLE_KWARGS"
    return reverse(name, kwargs={p: SAMPLE_KWARGS[p] for p in params})


ALL = sorted(dict(named_patterns()).items())


def test_the_public_list_names_only_views_that_exist():
    names = {name for name, _ in ALL}
    assert names >= PUBLIC, PUBLIC - names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), ALL, ids=[name for name, _ in ALL])
def test_anonymous_visitors_are_sent_to_log_in(client, name, pattern):
    url = sample_url(name, pattern)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if name in PUBLIC:
            assert response.status_code in (200, 302, 400, 404, 405), f"{method.upper()} {url}"
            continue
        if response.status_code == 302:
            target = response["Location"]
            assert target.startswith(("/accounts/login/", "/admin/login/")), f"{method.upper()} {url} -> {target}"
        else:
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url} answered {response.status_code}"
