def test_signed_in_pages_are_never_cached(client, worker):
    """CP-04, HT-05."""
    client.force_login(worker)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_pages_carry_the_security_headers(client, db):
    """HT-04."""
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
