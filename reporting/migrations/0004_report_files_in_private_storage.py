"""The report files move from database columns into the private storage (core/storage.py), so that
on several hosts they sit in the object store with the attachments. Existing files are copied
across under the same names new ones get, and their digests are checked on the way."""

import hashlib

from django.core.files.base import ContentFile
from django.db import migrations, models
from django.db.models import Q

import core.storage
import reporting.models

FORMATS = ("pdf", "csv", "xlsx")


def _name(report, file_format, data):
    return f"{report.year}-Q{report.quarter}-r{report.revision}-{hashlib.sha256(data).hexdigest()[:16]}.{file_format}"


def forward(apps, schema_editor):
    QuarterlyReport = apps.get_model("reporting", "QuarterlyReport")
    for report in QuarterlyReport.objects.exclude(pdf__isnull=True).iterator(chunk_size=50):
        for file_format in FORMATS:
            data = getattr(report, file_format)
            if data is None:
                continue
            data = bytes(data)
            field_file = getattr(report, f"{file_format}_file")
            field_file.save(_name(report, file_format, data), ContentFile(data), save=False)
        report.save(update_fields=[f"{f}_file" for f in FORMATS])


def backward(apps, schema_editor):
    QuarterlyReport = apps.get_model("reporting", "QuarterlyReport")
    for report in QuarterlyReport.objects.exclude(pdf_file=""):
        for file_format in FORMATS:
            field_file = getattr(report, f"{file_format}_file")
            if field_file.name:
                with field_file.open("rb") as f:
                    setattr(report, file_format, f.read())
        report.save(update_fields=list(FORMATS))


def file_field():
    return models.FileField(
        blank=True, max_length=200, storage=core.storage.private_storage, upload_to=reporting.models.report_file_path
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_disclosure_check")]

    operations = [
        *[migrations.AddField("quarterlyreport", f"{f}_file", file_field()) for f in FORMATS],
        migrations.RunPython(forward, backward),
        migrations.RemoveConstraint("quarterlyreport", "report_ready_has_files"),
        *[migrations.RemoveField("quarterlyreport", f) for f in FORMATS],
        *[migrations.RenameField("quarterlyreport", f"{f}_file", f) for f in FORMATS],
        migrations.AddConstraint(
            "quarterlyreport",
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(snapshot__isnull=False) & ~Q(pdf="") & ~Q(pdf_sha256="")),
                name="report_ready_has_files",
            ),
        ),
    ]
