"""The product's production settings for benchmarks/pages.py, with one change: static files are not
collected (wrk never asks for them), so the template tag needs no manifest."""

from boundaries.settings.production import *  # noqa: F403
from boundaries.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
