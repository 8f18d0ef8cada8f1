"""The DPO's steps on an access request: reading a record of the draft, withholding more, releasing the
copy. Every step is an audit event; the DPO's reading of a record is audited per record (docs/privacy.md)."""

from __future__ import annotations

import hashlib
import re

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from privacy.models import Redaction, RightsRequest
from privacy.sar.collect import sar_pack_build
from privacy.sar.render import render_zip

WITHHELD = "[withheld]"


class SarError(Exception):
    """A step the request's state does not allow; str(exc) is a message for the page."""


def person_label(request: RightsRequest) -> str:
    """The person as the DPO and the copy name them (the subject's own name is theirs to read)."""
    person = request.person
    if request.staff_id:
        return person.full_name
    if request.service_user_id:
        return f"{person.reference} ({person.initials})"
    return f"{person.initials}, {person.relationship_to_service_user} of a service user"


def _apply_redactions(pack: dict, redactions: list[Redaction]) -> dict:
    grounds = dict(Redaction.Ground.choices)
    for exemption in pack["exemptions"]:
        exemption["ground_label"] = grounds[exemption["ground"]]
    whole = {r.item_key: r for r in redactions if r.item_key and not r.phrase}
    phrases = [r for r in redactions if r.phrase]
    for section in pack["sections"]:
        for index, item in enumerate(section["items"]):
            if item["key"] in whole:
                ground = whole[item["key"]].ground
                section["items"][index] = {"key": item["key"], "title": "A record withheld", "date": item["date"],
                                           "withheld": grounds[ground], "fields": [], "entries": []}  # fmt: skip
                pack["exemptions"].append({"record": item["key"], "withheld": "a whole record", "ground": ground,
                                           "ground_label": grounds[ground]})  # fmt: skip
                continue
            for r in phrases:
                if r.item_key and r.item_key != item["key"]:
                    continue
                pattern = re.compile(re.escape(r.phrase), re.IGNORECASE)
                hit = False
                for f in item["fields"] + [f for e in item["entries"] for f in e["fields"]]:
                    f["value"], count = pattern.subn(WITHHELD, f["value"])
                    hit = hit or bool(count)
                if hit:
                    pack["exemptions"].append({"record": item["key"], "withheld": "some words", "ground": r.ground,
                                               "ground_label": grounds[r.ground]})  # fmt: skip
    return pack


def sar_pack_for(*, request: RightsRequest) -> dict:
    """The draft copy as the person would receive it: third parties replaced, the DPO's redactions applied."""
    pack = sar_pack_build(person_key=request.person_key)
    return _apply_redactions(pack, list(request.redactions.all()))


def sar_item(pack: dict, item_key: str) -> dict | None:
    for section in pack["sections"]:
        for item in section["items"]:
            if item["key"] == item_key:
                return item
    return None


def sar_draft_viewed(*, request: RightsRequest, actor, records: int) -> None:
    """The DPO opened the list of records (titles only, no content)."""
    audit_record(action="privacy.sar.draft_viewed", actor=actor, obj=request, detail={"records": records})


def sar_record_viewed(*, request: RightsRequest, actor, item: dict) -> None:
    """The DPO read one record of the draft: one audit event naming that record (the record's own type and id)."""
    object_type, object_id = item.get("object") or ("privacy.rightsrequest", request.pk)
    audit_record(action="privacy.sar.record_viewed", actor=actor, object_type=object_type, object_id=object_id,
                 detail={"request": request.pk, "record": item["key"]})  # fmt: skip


@transaction.atomic
def sar_redaction_add(
    *, request: RightsRequest, actor, item_key: str, phrase: str, ground: str, reason: str
) -> Redaction:
    """Withhold more from the copy (a phrase, or a whole record), with the ground and the reason."""
    if request.kind != RightsRequest.Kind.ACCESS or not request.is_open:
        raise SarError("Only an open request for a copy can have more withheld.")
    redaction = Redaction(request=request, item_key=item_key, phrase=phrase.strip(), ground=ground,
                          reason=reason, added_by=actor)  # fmt: skip
    redaction._history_user = actor
    redaction.save()
    # The words withheld are not written to the trail: they are the content being protected.
    audit_record(action="privacy.sar.redacted", actor=actor, obj=request,
                 detail={"record": item_key or "everywhere", "ground": ground, "whole_record": not phrase})  # fmt: skip
    return redaction


@transaction.atomic
def sar_release(*, request: RightsRequest, actor) -> bytes:
    """Release the copy: the ZIP is made, its SHA-256 kept on the request with the bytes, and the request closed."""
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind != RightsRequest.Kind.ACCESS:
        raise SarError("Only a request for a copy is released.")
    if request.status == RightsRequest.Status.RELEASED:
        return bytes(request.released_zip)  # a double click is harmless
    if not request.is_open:
        raise SarError("This request has already been decided.")
    pack = sar_pack_for(request=request)
    now = timezone.now()
    archive = render_zip(pack, person_label=person_label(request), received_date=request.received_date,
                         prepared_at=now)  # fmt: skip
    request.released_zip = archive
    request.release_digest = hashlib.sha256(archive).hexdigest()
    request.status = RightsRequest.Status.RELEASED
    request.decided_at = now
    request.decided_by = actor
    request.decision_reason = "A copy of everything held was released, other people replaced by their part."
    request._history_user = actor
    request.save()
    audit_record(
        action="privacy.sar.released",
        actor=actor,
        obj=request,
        detail={
            "sha256": request.release_digest,
            "records": sum(len(s["items"]) for s in pack["sections"]),
            "exemptions": [{"record": e["record"], "ground": e["ground"]} for e in pack["exemptions"]],
        },
    )
    return archive


def sar_downloaded(*, request: RightsRequest, actor) -> None:
    audit_record(action="privacy.sar.downloaded", actor=actor, obj=request, detail={"sha256": request.release_digest})
