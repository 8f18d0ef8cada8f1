"""Where uploaded files and compiled reports are kept: the "private" storage (DESIGN §9).

One machine: a folder under PRIVATE_MEDIA_ROOT that no URL serves. Several hosts: an S3-compatible
object store (django-storages) when S3_BUCKET is set (settings: base.py). Either way a file is only
ever read through a permission-checked, audited view that streams it (`file_download`); the store
itself never hands out public or signed links.
"""

import logging
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.utils.functional import LazyObject, empty

logger = logging.getLogger(__name__)


class PrivateFolderStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, which no URL serves; the root is read at use, not at import."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise NotImplementedError("private files have no URL: serve them through a view")


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up at use, so that a model field bound to it follows the setting."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        _private._wrapped = empty


def private_storage():
    """The configured private storage (STORAGES["private"])."""
    return _private


def file_download(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Stream a private file to the browser as a download.

    A file the record names but the store no longer holds is a 404 for the person and an error in
    the log for the administrators, never a server error.
    """
    if not field_file.name or not field_file.storage.exists(field_file.name):
        logger.error("A private file is missing from storage: %s", field_file.name)
        raise Http404("The file is missing.")
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
