from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_answers_200_without_logging_in_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_with_no_detail_when_the_database_does_not(client):
    with mock.patch("boundaries.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"refused" not in response.content


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_redis_and_the_storage_answer(client):
    """JR-08: a readiness check for the load balancer, public and without detail."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_503_with_no_detail_when_redis_does_not_answer(client, settings):
    """JR-08: liveness stays up (the database answers) while readiness says Redis is gone."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert client.get("/healthz").status_code == 200  # liveness asks only the database


@pytest.mark.django_db
def test_readyz_answers_503_with_no_detail_when_the_storage_does_not_answer(client):
    with mock.patch("boundaries.views.private_storage", side_effect=OSError("bucket gone")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert b"bucket" not in response.content
