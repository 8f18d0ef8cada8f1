"""Services the several-hosts tests start for themselves: an S3-compatible object store."""

import socket
import subprocess
import sys
import time
import urllib.request
from types import SimpleNamespace

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_server(tmp_path):
    """A real S3-compatible server (moto's, in its own process on 127.0.0.1) with one empty bucket.

    `settings` holds the S3_* environment a Boundaries process needs to use it; `storages` the
    STORAGES setting for this test process.
    """
    import boto3

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "s3.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - our own local test server
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the S3 server did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
    credentials = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
    bucket = "boundaries-private"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2", **credentials)
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    env = {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "eu-west-2",
        "S3_ACCESS_KEY_ID": credentials["aws_access_key_id"],
        "S3_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
    }
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": "eu-west-2",
            "access_key": env["S3_ACCESS_KEY_ID"],
            "secret_key": env["S3_SECRET_ACCESS_KEY"],
            "location": "private",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    try:
        yield SimpleNamespace(endpoint=endpoint, bucket=bucket, client=client, env=env, storage=storage)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
