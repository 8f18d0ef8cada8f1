"""The copy released to the person: a ZIP with a readable PDF (WeasyPrint, as the quarterly report) and the
same content as machine-readable JSON (UK GDPR Article 15(3): "in a commonly used electronic form")."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

from django.conf import settings
from django.template.loader import render_to_string

PDF_NAME = "copy-of-your-records.pdf"
JSON_NAME = "copy-of-your-records.json"
# A fixed time inside the ZIP, so the same copy always gives the same bytes (and the same SHA-256).
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def pack_json(pack: dict, *, person_label: str, received_date: datetime.date, prepared_at: datetime.datetime) -> dict:
    """The machine-readable copy: everything the PDF says, as data."""
    return {
        "organisation": settings.ORGANISATION_NAME,
        "copy_for": person_label,
        "request_received": received_date.isoformat(),
        "prepared_at": prepared_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sections": [
            {"title": section["title"], "records": [
                {"title": item["title"], "date": item["date"], "withheld": item.get("withheld", ""),
                 "fields": {f["label"]: f["value"] for f in item["fields"]},
                 "entries": [{"heading": e["heading"], "fields": {f["label"]: f["value"] for f in e["fields"]}}
                             for e in item["entries"]]}
                for item in section["items"]
            ]}
            for section in pack["sections"]
        ],
        "who_looked_at_your_records": pack["looked"],
        "withheld": [{"what": e["withheld"], "why": e["ground_label"]} for e in pack["exemptions"]],
    }  # fmt: skip


def render_pdf(pack: dict, *, person_label: str, received_date, prepared_at) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "privacy/sar_pdf.html",
        {
            "pack": pack,
            "organisation": settings.ORGANISATION_NAME,
            "person_label": person_label,
            "received_date": received_date,
            "prepared_at": prepared_at,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_zip(pack: dict, *, person_label: str, received_date, prepared_at) -> bytes:
    """The ZIP: the PDF and the JSON."""
    data = pack_json(pack, person_label=person_label, received_date=received_date, prepared_at=prepared_at)
    pdf = render_pdf(pack, person_label=person_label, received_date=received_date, prepared_at=prepared_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in ((PDF_NAME, pdf), (JSON_NAME, json.dumps(data, ensure_ascii=False, indent=2).encode())):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
