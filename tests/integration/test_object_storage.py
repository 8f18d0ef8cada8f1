"""Attachments in an S3-compatible object store (DESIGN §9), against a real server process.

The store is never public: a file is reached only through the permission-checked, audited views,
which stream it as a download; a file missing from the store is a 404, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from disclosures.services import attachment_add
from disclosures.tests.factories import disclosure_file

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n% a receipt for the flowers\n"


@pytest.fixture
def s3_storage(s3_server, settings):
    settings.STORAGES = {**settings.STORAGES, "private": s3_server.storage}
    return s3_server


@pytest.fixture
def filed(org, s3_storage):
    disclosure = disclosure_file(reporter=org.worker)
    attachment = attachment_add(
        disclosure=disclosure,
        uploaded_by=org.worker,
        uploaded_file=SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf"),
    )
    return disclosure, attachment


def _objects(server):
    listing = server.client.list_objects_v2(Bucket=server.bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_an_attachment_is_stored_in_the_bucket_privately_and_downloaded_through_the_views(org, filed, s3_storage):
    """IN-09: the file is in the object store under a server-made name, not public, and both the
    worker and the reviewer get it only through the audited download views."""
    disclosure, attachment = filed
    keys = _objects(s3_storage)
    assert keys == [f"private/{attachment.file.name}"]
    assert "receipt" not in keys[0]
    acl = s3_storage.client.get_object_acl(Bucket=s3_storage.bucket, Key=keys[0])
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]

    worker = Client()
    worker.force_login(org.worker.user)
    response = worker.get(reverse("disclosures:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF

    reviewer = Client()
    reviewer.force_login(org.manager.user)
    url = reverse("cases:attachment_download", args=[disclosure.case_id, attachment.pk])
    response = reviewer.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="cases.attachment.downloaded", actor=org.manager.user).exists()

    stranger = Client()
    stranger.force_login(org.other_manager.user)
    assert stranger.get(url).status_code == 404


def test_an_attachment_missing_from_the_bucket_is_a_404_not_a_server_error(org, filed, s3_storage, caplog):
    disclosure, attachment = filed
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=f"private/{attachment.file.name}")
    reviewer = Client()
    reviewer.force_login(org.manager.user)
    response = reviewer.get(reverse("cases:attachment_download", args=[disclosure.case_id, attachment.pk]))
    assert response.status_code == 404
    assert "missing from storage" in caplog.text


def test_readiness_fails_when_the_object_store_stops_answering(client, s3_server, settings, db):
    settings.STORAGES = {**settings.STORAGES, "private": s3_server.storage}
    assert client.get("/readyz").status_code == 200
    s3_server.client.delete_bucket(Bucket=s3_server.bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **s3_server.storage,
            "OPTIONS": {**s3_server.storage["OPTIONS"], "endpoint_url": "http://127.0.0.1:1"},
        },
    }
    assert client.get("/readyz").status_code == 503


@pytest.fixture
def released_report(s3_storage, db):
    import hashlib

    from django.core.files.base import ContentFile

    from reporting.models import QuarterlyReport

    data = b"%PDF-1.7 the figures for 2026-Q2"
    return QuarterlyReport.objects.create(
        year=2026, quarter=2, trigger="command", status="ready", threshold=3, exposed_cells=0,
        snapshot={"cells": {}, "threshold": 3, "lessons": []},
        pdf=ContentFile(data, name="2026-Q2-r1.pdf"), pdf_sha256=hashlib.sha256(data).hexdigest(),
    ), data  # fmt: skip


def test_a_report_file_is_kept_in_the_bucket_and_a_lost_or_altered_one_is_a_404(org, released_report, s3_storage):
    """IN-09: the committee's download streams from the store through the audited view; a file
    the store lost, or whose bytes no longer match the digest taken at compile, is refused."""
    report, data = released_report
    key = f"private/{report.pdf.name}"
    assert key in _objects(s3_storage)
    committee = Client()
    committee.force_login(org.committee)
    url = reverse("reporting:download_pdf", args=[report.pk])
    response = committee.get(url)
    assert response.status_code == 200 and response.content == data

    s3_storage.client.put_object(Bucket=s3_storage.bucket, Key=key, Body=b"%PDF-1.7 altered figures")
    assert committee.get(url).status_code == 404
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=key)
    assert committee.get(url).status_code == 404
