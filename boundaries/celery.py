"""The Celery app. Settings come from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

# An empty value counts as unset (a shell that exports DJANGO_SETTINGS_MODULE= would break Django).
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "boundaries.settings.local"

app = Celery("boundaries")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
