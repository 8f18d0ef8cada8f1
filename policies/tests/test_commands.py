from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.models import Policy, PolicyVersion

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


def test_import_policy_creates_a_draft_and_reports_the_sections():
    out = StringIO()
    call_command(
        "import_policy", str(FIXTURES / "decimal_clauses.txt"), "--title", "Code of conduct", "--version", "2.0",
        "--next-review-date", "31/03/2027", stdout=out,
    )  # fmt: skip
    version = PolicyVersion.objects.get()
    assert (version.label, version.status) == ("2.0", "draft")
    assert version.next_review_date.isoformat() == "2027-03-31"
    assert "11 sections" in out.getvalue() and "note:" in out.getvalue()


def test_import_policy_can_publish_at_once():
    call_command(
        "import_policy", str(FIXTURES / "capitalised_headings.txt"), "--title", "LCCC", "--publish", stdout=StringIO()
    )
    assert PolicyVersion.objects.get().status == "active"


@pytest.mark.parametrize("name", ["no_structure.txt", "binary.pdf.txt", "missing.txt"])
def test_import_policy_refuses_what_it_cannot_read_and_creates_nothing(name):
    with pytest.raises(CommandError, match="Nothing was imported|No such file"):
        call_command("import_policy", str(FIXTURES / name), "--title", "Bad", stdout=StringIO())
    assert not Policy.objects.exists()


def test_a_bad_date_is_explained():
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "import_policy", str(FIXTURES / "decimal_clauses.txt"), "--title", "X", "--approved-date", "soon",
            stdout=StringIO(),
        )  # fmt: skip
