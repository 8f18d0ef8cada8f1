"""The demo organisation that `manage.py seed_demo` builds (docs/demo.md): what every step shares.

Each step is a function taking a DemoContext and returning a one-line summary. The command runs
demo.management.commands.seed_demo.DEMO_STEPS in order: the steps of demo/organisation.py (teams, staff,
other logins) and demo/people.py (service users, carers, relationships, key workers), then those of
demo/policies.py, demo/disclosures.py, demo/cases.py and demo/reporting.py. The demo app sits on top of
the others and calls their services; no app imports it.

Every step is deterministic and idempotent:
- what to make is planned by pure functions from fixed lists and a random generator seeded per step
  (ctx.rng("step name")), so adding a step never changes what another step makes;
- dates come from the fixed ANCHOR_DATE, not today, so a re-run on another day plans the same rows;
- rows are found by their natural key (team name, username, care-record reference) and saved only
  when a value differs, so a re-run writes nothing and adds no history rows.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import models

SEED = "boundaries-demo"
ANCHOR_DATE = datetime.date(2026, 11, 2)
EMAIL_DOMAIN = "riverside-care.example"  # .example never delivers (RFC 2606)
HISTORY_REASON = "people.demo.seeded"  # the code stored on history rows since the first demo; kept
DEFAULT_PASSWORD = "boundaries-demo"


@dataclass
class DemoContext:
    password: str = DEFAULT_PASSWORD
    actor: object = None
    password_hash: str | None = None  # worked out once per run by _password_hash
    history_cases: int = 240  # how many cases demo.cases files over the two years before ANCHOR_DATE

    def rng(self, step: str) -> random.Random:
        """A generator for one step, the same on every run (a str seed is hashed with SHA-512, not hash())."""
        return random.Random(f"{SEED}:{step}")


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day from start to end, both included."""
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


# ---------------------------------------------------------------------------------------------
# Writing rows only when they differ


def _differs(obj: models.Model, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def upsert(model: type[models.Model], *, lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Find a row by its natural key; create it, or save only the fields that differ. Returns (row, created)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = HISTORY_REASON
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = HISTORY_REASON
        obj.save(update_fields=changed)
    return obj, False
