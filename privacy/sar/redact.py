"""Third parties out of a subject-access copy: every other person's name and identifiers replaced by their
part ("a colleague", "a service user", "a carer or relative").

DPA 2018 Sch 2 Part 3 para 16: the right of access does not oblige the organisation to disclose information
relating to another individual who can be identified from it, including as the source of information
(para 16(4)(a)). Names are found in free text too (a narrative, a timeline line, a reply), so every string
of the copy passes through `Redactor.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from people.models import CarerOrRelative, ServiceUser, StaffMember

COLLEAGUE = "a colleague"
STAFF_ELSEWHERE = "a member of staff"  # how staff are named in a copy for a service user or relative
SERVICE_USER = "a service user"
RELATIVE = "a carer or relative"
RAISED_IT = "the person who raised it"

# A single first name or surname is replaced only when it is at least this long, capitalised, and a whole
# word: "Ian" and "Khan" go, "A" and "Al" do not (they would eat ordinary words).
MIN_SINGLE_NAME = 3
# Initials are replaced when they have at least two letters ("JB"); one capital letter is an ordinary word.
MIN_INITIALS = 2


def _words(pattern_parts: list[str], flags=0) -> re.Pattern | None:
    if not pattern_parts:
        return None
    ordered = sorted(set(pattern_parts), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-])", flags)


@dataclass
class Redactor:
    """Everyone in the organisation but the subject, and what each is replaced by."""

    phrases: dict[str, str] = field(default_factory=dict)  # lower-cased full names, e-mails, numbers
    exact: dict[str, str] = field(default_factory=dict)  # case-sensitive single names and initials
    keep: set[str] = field(default_factory=set)  # the subject's own names and identifiers
    _phrase_re: re.Pattern | None = None
    _exact_re: re.Pattern | None = None

    @classmethod
    def for_person(cls, person_key: tuple[str, int]) -> Redactor:
        """A redactor for a copy about the person `person_key` (("staff", 3), ("service_user", 7)…)."""
        redactor = cls()
        kind, pk = person_key
        own: list[str] = []
        staff_by_user = {m.user_id: m for m in StaffMember.objects.all()}
        for user in get_user_model().objects.all():  # staff, and accounts without a staff record (the DPO…)
            member = staff_by_user.get(user.pk)
            tokens = [user.first_name, user.last_name]
            identifiers = [user.get_full_name(), user.email]
            if not user.username.isalpha():  # "amira.khan" identifies; "manager" (a demo login) is a word
                identifiers.append(user.username)
            if member is not None:
                identifiers += [member.staff_number, member.registration_number]
            if kind == "staff" and member is not None and member.pk == pk:
                own += tokens + identifiers
                continue
            redactor._add(identifiers, tokens, COLLEAGUE if kind == "staff" else STAFF_ELSEWHERE)
        for person in ServiceUser.objects.all():
            if kind == "service_user" and person.pk == pk:
                own += [person.initials, person.reference]
                continue
            redactor._add([person.reference], [person.initials], SERVICE_USER)
        for person in CarerOrRelative.objects.all():
            if kind == "carer" and person.pk == pk:
                own.append(person.initials)
                continue
            redactor._add([], [person.initials], RELATIVE)
        redactor.keep = {token for token in own if token}
        for token in redactor.keep:
            redactor.exact.pop(token, None)
            redactor.phrases.pop(token.lower(), None)
        redactor._phrase_re = _words(list(redactor.phrases), re.IGNORECASE)
        redactor._exact_re = _words(list(redactor.exact))
        return redactor

    def _add(self, identifiers: list[str], tokens: list[str], part: str) -> None:
        for value in identifiers:
            value = (value or "").strip()
            if len(value) >= MIN_SINGLE_NAME:
                self.phrases.setdefault(value.lower(), part)
        for token in tokens:
            token = (token or "").strip()
            is_initials = token.isupper() and len(token) <= 3
            if (is_initials and len(token) >= MIN_INITIALS) or (not is_initials and len(token) >= MIN_SINGLE_NAME):
                self.exact.setdefault(token, part)

    def text(self, value: str) -> str:
        """The text with every other person replaced by their part."""
        if not value:
            return value
        if self._phrase_re is not None:
            value = self._phrase_re.sub(lambda m: _fit(m, self.phrases[m.group(1).lower()]), value)
        if self._exact_re is not None:
            value = self._exact_re.sub(lambda m: _fit(m, self.exact[m.group(1)]), value)
        return value


def _fit(match: re.Match, part: str) -> str:
    """The part, with a capital letter where it starts a sentence ("A colleague reviews the case…")."""
    before = match.string[: match.start()].rstrip()
    return part[0].upper() + part[1:] if not before or before.endswith((".", "!", "?", ":", "“", '"')) else part
