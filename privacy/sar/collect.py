"""Everything held about one person, as a subject-access copy with other people replaced by their part.

The person may be a member of staff (who filed, was concerned in, was harmed by, or was given an action
in a case), a service user or a carer or relative. Sections: about you, disclosures, cases (with their
timeline, assessments, actions and reviews), notices, the relationships register, policy acknowledgements,
support offered, and who looked at your records (audit). docs/privacy.md lists what goes in and why.

`sar_pack_build` returns plain data (lists, dicts, strings) that the draft page, the PDF and the JSON all
render; nothing here writes.
"""

from __future__ import annotations

from django.db.models import Q

from audit.models import AuditEvent
from cases.models import Action, Case, RiskAssessment, SubjectNotice, SupportOffered
from core.formats import uk_date
from core.roles import user_roles
from disclosures.models import Disclosure
from people.models import Assignment, CarerOrRelative, Relationship, ServiceUser, StaffMember
from policies.models import Acknowledgement, DisclosureKind, Part
from privacy.sar.redact import COLLEAGUE, RAISED_IT, STAFF_ELSEWHERE, Redactor

SOURCE_GROUND = "source"  # privacy.models.Redaction.Ground.SOURCE: DPA 2018 Sch 2 Part 3 para 16(4)(a)

# What each audited action means, in words, for "who looked at your records" (views and exports only).
LOOKED = {
    "cases.case.viewed": "opened the case",
    "cases.case.history_viewed": "read the case's change history",
    "cases.attachment.downloaded": "downloaded an attachment",
    "disclosures.attachment.downloaded": "downloaded an attachment",
    "registers.gifts.giver_viewed": "looked at the gifts register entry",
    "privacy.sar.record_viewed": "read the record while preparing a request for a copy",
}


def _field(label: str, value) -> dict:
    return {"label": label, "value": "" if value is None else str(value)}


class PackBuilder:
    """Builds the copy for one person. Every string from the database goes through the redactor."""

    def __init__(self, *, person_key: tuple[str, int]):
        self.kind, self.pk = person_key
        self.redactor = Redactor.for_person(person_key)
        self.staff = (
            StaffMember.objects.select_related("user", "team").get(pk=self.pk) if self.kind == "staff" else None
        )
        self.service_user = ServiceUser.objects.get(pk=self.pk) if self.kind == "service_user" else None
        self.carer = CarerOrRelative.objects.get(pk=self.pk) if self.kind == "carer" else None
        self.staff_word = COLLEAGUE if self.staff else STAFF_ELSEWHERE
        self.exemptions: list[dict] = []
        self.records: list[tuple[str, str]] = []  # (object type, id) of every record in the copy

    # -- words ---------------------------------------------------------------------------------------
    def t(self, value) -> str:
        return self.redactor.text(str(value or ""))

    def who(self, staff_id: int | None, *, role: str | None = None) -> str:
        """A member of staff as the subject reads them: "you", or their part."""
        if staff_id is None:
            return ""
        if self.staff and staff_id == self.staff.pk:
            return "you"
        return role or self.staff_word

    def who_user(self, user_id: int | None, *, role: str | None = None) -> str:
        if user_id is None:
            return "Boundaries"
        if self.staff and user_id == self.staff.user_id:
            return "you"
        return role or self.staff_word

    # -- sections ------------------------------------------------------------------------------------
    def about(self) -> list[dict]:
        if self.staff:
            s = self.staff
            fields = [
                _field("Name", s.full_name),
                _field("Staff number", s.staff_number),
                _field("Job title", s.job_title),
                _field("Team", s.team.name),
                _field("Kind of worker", s.get_employment_type_display()),
                _field("Line manager", self.who(s.line_manager_id, role="your line manager")),
                _field("Professional registration",
                       f"{s.get_registration_body_display()} {s.registration_number}".strip()
                       if s.registration_body else "None"),
                _field("Started", uk_date(s.start_date)),
                _field("Left", uk_date(s.end_date) or "Still working here"),
                _field("E-mail address", s.user.email),
            ]  # fmt: skip
            self.records.append(("people.staffmember", str(s.pk)))
            assignments = Assignment.objects.filter(staff=s)
            entries = [
                {"heading": a.get_role_display(), "fields": [
                    _field("For", "a service user"),
                    _field("From", uk_date(a.start_date)),
                    _field("Until", uk_date(a.end_date) or "Now"),
                ]} for a in assignments
            ]  # fmt: skip
            title = "Your staff record"
        elif self.service_user:
            u = self.service_user
            fields = [
                _field("Care record reference", u.reference),
                _field("Initials", u.initials),
                _field("Team supporting you", u.team.name),
                _field("Status", u.get_status_display()),
                _field("Left the service", uk_date(u.left_date) or "Not left"),
                _field("Recorded as a child", "Yes" if u.is_child else "No"),
                _field("Recorded as an adult at risk", "Yes" if u.is_adult_at_risk else "No"),
            ]
            self.records.append(("people.serviceuser", str(u.pk)))
            entries = [
                {"heading": a.get_role_display(), "fields": [
                    _field("Who", STAFF_ELSEWHERE),
                    _field("From", uk_date(a.start_date)),
                    _field("Until", uk_date(a.end_date) or "Now"),
                ]} for a in Assignment.objects.filter(service_user=u)
            ]  # fmt: skip
            title = "Your record"
        else:
            c = self.carer
            fields = [
                _field("Initials", c.initials),
                _field("Relationship", f"{c.relationship_to_service_user} of a service user"),
            ]
            self.records.append(("people.carerorrelative", str(c.pk)))
            entries = []
            title = "Your record"
        return [{"key": f"person:{self.kind}:{self.pk}", "title": title, "date": "", "fields": fields,
                 "entries": entries}]  # fmt: skip

    def _disclosures(self):
        sent = Q(status=Disclosure.Status.SUBMITTED)
        if self.staff:
            q = Q(reporter=self.staff) | (Q(subjects=self.staff) & sent)  # their own drafts too
        elif self.service_user:
            q = Q(service_users=self.service_user) & sent
        else:
            q = Q(carers=self.carer) & sent
        ids = Disclosure.objects.filter(q).values("pk").distinct()
        return (
            Disclosure.objects.filter(pk__in=ids)
            .select_related("category")
            .prefetch_related("follow_ups", "attachments")
            .order_by("created_at", "pk")
        )

    def disclosures(self) -> list[dict]:
        items = []
        for d in self._disclosures():
            key = f"disclosure:{d.pk}"
            own = self.staff is not None and d.reporter_id == self.staff.pk
            if own:
                by = "you"
            else:
                by = RAISED_IT if d.kind == DisclosureKind.CONCERN or d.speak_up else self.staff_word
                self.exemptions.append({"record": key, "withheld": "who told us", "ground": SOURCE_GROUND})
            fields = [
                _field("Reference", d.reference or "Draft, not sent"),
                _field("What it was", d.get_kind_display()),
                _field("Category", d.category.name if d.category else ""),
                _field("Told us by", by),
                _field("Sent", uk_date(d.submitted_at) or "Not sent"),
                _field("When it happened", uk_date(d.occurred_date)),
                _field("Where", self.t(d.location)),
                _field("What happened", self.t(d.narrative)),
                _field("What was done straight away", self.t(d.immediate_action)),
            ]
            fields += [_field(label, self.t(value)) for label, value in d.details_display()]
            entries = [
                {"heading": f"Added on {uk_date(f.created_at)} by {self.who(f.author_id)}",
                 "fields": [_field("Text", self.t(f.text))]}
                for f in d.follow_ups.all()
            ]  # fmt: skip
            entries += [
                {"heading": "Attachment", "fields": [
                    _field("File", self.t(a.original_name) if own else "a file"),
                    _field("Added", uk_date(a.uploaded_at)),
                ]} for a in d.attachments.all()
            ]  # fmt: skip
            self.records.append(("disclosures.disclosure", str(d.pk)))
            self.records += [("disclosures.attachment", str(a.pk)) for a in d.attachments.all()]
            items.append({"key": key, "title": f"Disclosure {d.reference or '(draft)'}",
                          "date": uk_date(d.submitted_at or d.created_at), "fields": [f for f in fields if f["value"]],
                          "entries": entries, "object": ["disclosures.disclosure", d.pk]})  # fmt: skip
        return items

    def _cases(self):
        if self.staff:
            q = Q(subjects=self.staff) | Q(involvements__staff=self.staff) | Q(disclosures__reporter=self.staff)
            q |= Q(support_offered__staff=self.staff) | Q(subject_notices__subject=self.staff)
        elif self.service_user:
            q = Q(service_users=self.service_user) | Q(involvements__service_user=self.service_user)
        else:
            q = Q(involvements__carer=self.carer) | Q(disclosures__carers=self.carer)
        ids = Case.objects.filter(q).values("pk").distinct()
        return Case.objects.filter(pk__in=ids).select_related("category").order_by("opened_at", "pk")

    def _parts(self, case: Case) -> list[str]:
        field_name = {"staff": "staff", "service_user": "service_user", "carer": "carer"}[self.kind]
        parts = case.involvements.filter(**{f"{field_name}_id": self.pk})
        labels = [Part(p.part).label for p in parts]
        if self.staff and not labels and case.subjects.filter(pk=self.staff.pk).exists():
            labels.append(Part.CONCERNED.label)
        return labels or ["Named in it"]

    def cases(self) -> list[dict]:
        items = []
        for case in self._cases():
            key = f"case:{case.pk}"
            reporter_is_me = self.staff is not None and case.disclosures.filter(reporter=self.staff).exists()
            fields = [
                _field("Reference", case.reference),
                _field("Category", case.category.name),
                _field("Your part", ", ".join(self._parts(case))),
                _field("Status", case.get_status_display()),
                _field("Opened", uk_date(case.opened_at)),
                _field("Reviewed by", self.who(case.reviewer_id, role="the reviewer")),
                _field("Closed", uk_date(case.closed_at)),
                _field("Outcome", case.get_outcome_display() if case.outcome else ""),
                _field("The reviewer's reasons", self.t(case.outcome_notes)),
                _field("Summary for the person who raised it", self.t(case.outcome_summary_for_reporter)),
                _field("Lessons", self.t(case.lessons)),
            ]
            if case.is_speak_up and not reporter_is_me:
                self.exemptions.append({"record": key, "withheld": "who raised it", "ground": SOURCE_GROUND})
            entries = []
            for entry in case.timeline.all():
                by = self.who_user(entry.actor_id)
                entries.append({"heading": f"{uk_date(entry.at)} · {entry.get_code_display()} · by {by}",
                                "fields": [_field("What was recorded", self.t(entry.text))]})  # fmt: skip
            for answer in case.prompt_answers.all():
                entries.append({"heading": f"Considered: {answer.get_prompt_display()}", "fields": [
                    _field("Referral made", "Yes" if answer.referral_made else "No"),
                    _field("Why", self.t(answer.reason)),
                    _field("Date", uk_date(answer.answered_date)),
                ]})  # fmt: skip
            for review in case.reviews.all():
                entries.append({"heading": f"Review on {uk_date(review.reviewed_at)}", "fields": [
                    _field("Notes", self.t(review.notes)),
                    _field("Next review", uk_date(review.next_review_date)),
                ]})  # fmt: skip
            for action in case.actions.select_related("template"):
                entries.append({"heading": f"Action: {action.template.title}", "fields": [
                    _field("Details", self.t(action.details)),
                    _field("Owner", self.who(action.owner_id)),
                    _field("Due", uk_date(action.due_date)),
                    _field("Status", action.get_status_display()),
                    _field("Why not possible", self.t(action.not_possible_reason)),
                ]})  # fmt: skip
            for gift in case.gift_decisions.all():
                entries.append({"heading": f"Gift decision on {uk_date(gift.decided_at)}", "fields": [
                    _field("Value", f"£{gift.value}"),
                    _field("Decision", gift.get_decision_display()),
                    _field("Why", self.t(gift.note)),
                ]})  # fmt: skip
            for entry in entries:
                entry["fields"] = [f for f in entry["fields"] if f["value"]]
            self.records.append(("cases.case", str(case.pk)))
            items.append({"key": key, "title": f"Case {case.reference}", "date": uk_date(case.opened_at),
                          "fields": [f for f in fields if f["value"]], "entries": entries,
                          "object": ["cases.case", case.pk]})  # fmt: skip
        return items

    def assessments(self, case_ids: list[int]) -> list[dict]:
        items = []
        for a in RiskAssessment.objects.filter(case_id__in=case_ids).select_related("case").order_by("assessed_at"):
            factors = [a._meta.get_field(name).verbose_name for name in a.FACTOR_FIELDS if getattr(a, name)]
            fields = [
                _field("Case", a.case.reference),
                _field("Assessed by", self.who(a.assessed_by_id, role="the reviewer")),
                _field("Likelihood × consequence", f"{a.likelihood} × {a.consequence} = {a.score}"),
                _field(
                    "After the arrangements", f"{a.residual_likelihood} × {a.residual_consequence} = {a.residual_score}"
                ),
                _field("Factors", ", ".join(factors) or "None"),
                _field("Risk to the service user", self.t(a.risk_to_service_user)),
                _field("Risk to the worker", self.t(a.risk_to_worker)),
                _field("Risk to the organisation", self.t(a.risk_to_organisation)),
                _field("What reduces it", self.t(a.mitigation)),
            ]
            items.append({"key": f"assessment:{a.pk}", "title": f"Risk assessment, case {a.case.reference}",
                          "date": uk_date(a.assessed_at), "fields": [f for f in fields if f["value"]], "entries": [],
                          "object": ["cases.riskassessment", a.pk]})  # fmt: skip
        return items

    def notices(self) -> list[dict]:
        if not self.staff:
            return []
        items = []
        for n in SubjectNotice.objects.filter(subject=self.staff).select_related("case"):
            fields = [
                _field("Case", n.case.reference),
                _field("Told on", uk_date(n.told_date)),
                _field("Told by", self.who(n.told_by_id, role="the reviewer")),
                _field("What you were told", self.t(n.told)),
                _field("Your reply", self.t(n.response)),
                _field("Replied on", uk_date(n.responded_at)),
            ]
            items.append({"key": f"notice:{n.pk}", "title": f"Notice about case {n.case.reference}",
                          "date": uk_date(n.told_date), "fields": [f for f in fields if f["value"]], "entries": [],
                          "object": ["cases.subjectnotice", n.pk]})  # fmt: skip
        return items

    def actions(self, case_ids: list[int]) -> list[dict]:
        """Actions agreed with a member of staff on cases not otherwise in the copy (they see only the action)."""
        if not self.staff:
            return []
        items = []
        for a in Action.objects.filter(owner=self.staff).exclude(case_id__in=case_ids).select_related("template"):
            fields = [
                _field("Action", a.template.title),
                _field("Details", self.t(a.details)),
                _field("Due", uk_date(a.due_date)),
                _field("Status", a.get_status_display()),
                _field("Why not possible", self.t(a.not_possible_reason)),
                _field("Agreed by", self.who(a.created_by_id, role="a manager")),
            ]
            items.append({"key": f"action:{a.pk}", "title": f"Action: {a.template.title}",
                          "date": uk_date(a.created_at), "fields": [f for f in fields if f["value"]], "entries": [],
                          "object": ["cases.action", a.pk]})  # fmt: skip
        return items

    def support(self) -> list[dict]:
        if not self.staff:
            return []
        items = []
        for s in SupportOffered.objects.filter(staff=self.staff).select_related("case"):
            fields = [
                _field("Case", s.case.reference),
                _field("Support offered", self.t(s.what)),
                _field("Offered by", self.who(s.offered_by_id)),
                _field("On", uk_date(s.offered_date)),
            ]
            items.append({"key": f"support:{s.pk}", "title": f"Support offered, case {s.case.reference}",
                          "date": uk_date(s.offered_date), "fields": fields, "entries": [],
                          "object": ["cases.supportoffered", s.pk]})  # fmt: skip
        return items

    def relationships(self) -> list[dict]:
        if self.staff:
            q = Q(staff=self.staff) | Q(colleague=self.staff)
        elif self.service_user:
            q = Q(service_user=self.service_user)
        else:
            q = Q(carer=self.carer)
        items = []
        for r in Relationship.objects.filter(q).order_by("declared_date", "pk"):
            declared_by_me = self.staff is not None and r.staff_id == self.staff.pk
            fields = [
                _field("Declared by", "you" if declared_by_me else self.staff_word),
                _field("With", "you" if not declared_by_me else self.t(
                    r.partner_agency if r.counterpart == Relationship.Counterpart.PARTNER_AGENCY
                    else r.get_counterpart_display().lower())),
                _field("Kind", r.get_kind_display()),
                _field("Began", r.get_began_display()),
                _field("Status", r.get_status_display()),
                _field("Declared on", uk_date(r.declared_date)),
                _field("Arrangement agreed", self.t(r.arrangement)),
                _field("Next review", uk_date(r.next_review_date)),
            ]  # fmt: skip
            items.append({"key": f"relationship:{r.pk}", "title": "Relationships register entry",
                          "date": uk_date(r.declared_date), "fields": [f for f in fields if f["value"]],
                          "entries": [], "object": ["people.relationship", r.pk]})  # fmt: skip
        return items

    def acknowledgements(self) -> list[dict]:
        if not self.staff:
            return []
        rows = Acknowledgement.objects.filter(user_id=self.staff.user_id).select_related("version__policy")
        return [
            {"key": f"acknowledgement:{a.pk}",
             "title": f"You read {a.version.policy.title} (version {a.version.label})",
             "date": uk_date(a.acknowledged_at), "fields": [_field("Confirmed on", uk_date(a.acknowledged_at))],
             "entries": [], "object": ["policies.acknowledgement", a.pk]}
            for a in rows
        ]  # fmt: skip

    def looked(self) -> list[dict]:
        rows = []
        for event in record_views_about(self.records, self.kind, self.pk):
            rows.append({"when": uk_date(event.occurred_at),
                         "who": self.who_user(event.actor_id, role=role_words(event.actor)),
                         "what": LOOKED.get(event.action, "looked at a record"),
                         "record": _record_words(event)})  # fmt: skip
        return rows


def role_words(user) -> str:
    """Someone who looked, by the role they hold ("a line manager"), never by name."""
    if user is None:
        return "Boundaries"
    roles = sorted(user_roles(user) - {"Worker"})
    return (
        f"someone with the {' and '.join(r.lower() if r != 'HR' else r for r in roles)} role"
        if roles
        else "a member of staff"
    )


def _record_words(event: AuditEvent) -> str:
    return {
        "cases.case": "a case about you",
        "cases.attachment": "a file on a case about you",
        "disclosures.attachment": "a file on a disclosure",
        "disclosures.disclosure": "a disclosure",
        "cases.riskassessment": "a risk assessment",
        "cases.subjectnotice": "a notice to you",
        "cases.action": "an action",
        "cases.supportoffered": "support offered to you",
        "people.relationship": "a relationships register entry",
    }.get(event.object_type, "your record")


def record_views_about(records: list[tuple[str, str]], kind: str, pk: int):
    """Every audited view and export of the given records (and of the person's own record), oldest first."""
    q = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in records:
        by_type.setdefault(object_type, []).append(object_id)
    for object_type, ids in by_type.items():
        q |= Q(object_type=object_type, object_id__in=ids)
    if kind in ("service_user", "carer"):
        q |= Q(action="registers.gifts.giver_viewed", object_type=kind, object_id=str(pk))
    return AuditEvent.objects.filter(q, action__in=list(LOOKED)).select_related("actor").order_by("occurred_at", "pk")


def case_attachment_records(case_ids: list[int]) -> list[tuple[str, str]]:
    from disclosures.models import Attachment

    return [
        ("cases.attachment", str(pk))
        for pk in Attachment.objects.filter(disclosure__case_id__in=case_ids).values_list("pk", flat=True)
    ]


def sar_pack_build(*, person_key: tuple[str, int]) -> dict:
    """The copy for a person, redacted for third parties, before the DPO's own redactions."""
    builder = PackBuilder(person_key=person_key)
    about = builder.about()
    disclosures = builder.disclosures()
    cases = builder.cases()
    case_ids = [item["object"][1] for item in cases]
    builder.records += case_attachment_records(case_ids)
    sections = [
        {"key": "about", "title": "About you", "items": about},
        {"key": "disclosures", "title": "Disclosures", "items": disclosures},
        {"key": "cases", "title": "Cases", "items": cases},
        {"key": "assessments", "title": "Risk assessments", "items": builder.assessments(case_ids)},
        {"key": "notices", "title": "Notices to you", "items": builder.notices()},
        {"key": "actions", "title": "Actions agreed with you", "items": builder.actions(case_ids)},
        {"key": "support", "title": "Support offered to you", "items": builder.support()},
        {"key": "registers", "title": "Relationships register", "items": builder.relationships()},
        {"key": "acknowledgements", "title": "Policies you confirmed reading", "items": builder.acknowledgements()},
    ]
    for section in sections:  # every record in the copy, so reading any of them counts as looking
        builder.records += [(i["object"][0], str(i["object"][1])) for i in section["items"] if i.get("object")]
    builder.records = list(dict.fromkeys(builder.records))
    return {
        "sections": sections,
        "looked": builder.looked(),
        "exemptions": builder.exemptions,
        "records": builder.records,
    }
