"""The layout, the role-aware menu and dashboard (boundaries/navigation.py, boundaries/views.py) and the error pages."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.views import defaults

from boundaries.navigation import NAV_ITEMS, nav_items_for
from core.roles import Role

PERSONAS = [
    "worker",
    "manager",
    "senior",
    "safeguarding",
    "hr",
    "guardian",
    "committee",
    "auditor",
    "administrator",
    "superuser",
]

# Who may see each entry of NAV_ITEMS, persona by persona. When you add an entry to the registry,
# add its row here: test_every_navigation_entry_has_a_row_here fails until you do.
STAFF = {"worker", "manager", "senior", "safeguarding", "hr", "guardian"}  # personas with a staff record
EXPECTED_CARDS = {
    "Administration": {"administrator"},
    "Tell us about a boundary issue": STAFF,
    "My disclosures": STAFF,
    # Case review: roles that review or oversee cases; notices only once one is addressed to you.
    "Cases": {"manager", "senior", "safeguarding", "hr", "guardian"},
    "Notices about you": set(),
    # "My actions" once someone owns an action; the registers (registers.permissions).
    "My actions": set(),
    "Gift register": {"manager", "senior", "safeguarding", "auditor"},
    "Relationship register": {"manager", "senior", "safeguarding"},
    "Policies": set(PERSONAS),
    "Team compliance": {"manager", "senior"},
    "Policy reviews due": {"administrator"},
    # Quarterly reports: reporting.permissions.can_open_reports_page (the auditor: the check only).
    "Quarterly reports": {"committee", "safeguarding", "senior", "auditor"},
    # The audit-trail viewer: audit.permissions.can_read_audit_trail (only the auditor).
    "Audit trail": {"auditor"},
    # Data subjects' requests: privacy.permissions.can_use_privacy (only the Auditor / DPO).
    "Requests from data subjects": {"auditor"},
    "Retention": {"auditor"},
    "Legal holds": {"auditor", "safeguarding"},
    "Change password": set(PERSONAS),
    # Signing in: everyone's own second factor; the two-person reset (accounts.permissions).
    "Second factor": set(PERSONAS),
    "Reset a second factor": {"safeguarding", "administrator"},
    "Roles waiting for approval": {"safeguarding", "administrator"},
}


def _user(org, persona):
    person = getattr(org, persona)
    return getattr(person, "user", person)


def _cards(response) -> dict[str, str]:
    """The dashboard's cards as {label: href}."""
    main = response.content.decode().split('id="main"', 1)[1]
    return {label: href for href, label in re.findall(r'class="stretched-link" href="([^"]+)">([^<]+)</a>', main)}


def _menu_links(response) -> dict[str, str]:
    """The links in the navigation bar as {label: href}."""
    header = response.content.decode().split("<header", 1)[1].split("</header>", 1)[0]
    return {
        label.strip(): href
        for href, label in re.findall(
            r'class="(?:nav-link|dropdown-item)[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', header
        )
    }


def test_every_navigation_entry_has_a_row_here():
    missing = [item.label for item in NAV_ITEMS if item.label not in EXPECTED_CARDS]
    assert not missing, f"add these NAV_ITEMS to EXPECTED_CARDS in tests/test_navigation.py: {missing}"


def test_every_navigation_entry_links_to_a_page_that_exists():
    for item in NAV_ITEMS:
        assert reverse(item.url_name)


@pytest.mark.django_db
def test_the_menu_offers_the_disclosure_pages_only_to_people_with_a_staff_record(org):
    names = {item.url_name for item in nav_items_for(org.worker.user)}
    assert {"disclosures:new", "disclosures:list"} <= names
    for persona in ["committee", "auditor", "administrator", "superuser"]:
        names = {item.url_name for item in nav_items_for(_user(org, persona))}
        assert not names & {"disclosures:new", "disclosures:list"}, persona


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_exactly_the_dashboard_cards_and_menu_links_for_their_roles(client, org, persona):
    """AC-02 (what the menu offers): the dashboard and the menu link only to pages the role may open."""
    client.force_login(_user(org, persona))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200

    expected = {label for label, personas in EXPECTED_CARDS.items() if persona in personas}
    cards = _cards(response)
    assert set(cards) == expected
    menu = _menu_links(response)
    assert set(menu) == expected | {"Home"}
    for item in NAV_ITEMS:
        if item.label in expected:
            assert cards[item.label] == menu[item.label] == reverse(item.url_name)


@pytest.mark.django_db
def test_the_administrator_is_offered_administration_and_a_worker_is_not(client, org):
    client.force_login(org.administrator)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(org.worker.user)
    assert 'href="/admin/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_lists_the_users_roles_with_a_welcome_line_for_each(client, org):
    client.force_login(org.manager.user)
    page = client.get("/").content.decode()
    assert re.findall(r'class="badge app-role-badge">([^<]+)<', page) == ["Worker", "Line manager"]
    assert "You can tell us about a boundary issue in confidence" in page
    assert "You review boundary issues raised by the people you manage" in page
    assert "Hello, " + org.manager.user.first_name in page


@pytest.mark.django_db
def test_a_superuser_without_a_role_is_told_so_and_is_not_offered_administration(client, org):
    """AC-07: superuser status grants nothing here; roles do."""
    client.force_login(org.superuser)
    response = client.get("/")
    assert "You do not have a role in Boundaries yet" in response.content.decode()
    assert set(_cards(response)) == {label for label, personas in EXPECTED_CARDS.items() if "superuser" in personas}
    assert "Administration" not in _cards(response)


@pytest.mark.django_db
def test_the_dashboard_needs_a_log_in(client):
    """AC-01: deny by default; the anonymous visitor is sent to log in and brought back."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_every_signed_in_page_has_the_landmarks_skip_link_name_and_log_out_button(client, org):
    """AS-07 (v5-7.4.4): a log-out control on every authenticated page; WCAG landmarks and a skip link."""
    client.force_login(org.worker.user)
    for url in [reverse("dashboard"), reverse("password_change"), reverse("password_change_done")]:
        page = client.get(url).content.decode()
        assert '<html lang="en-GB">' in page
        assert page.index('href="#main"') < page.index("<header")
        assert '<main id="main"' in page
        assert re.search(r'<nav [^>]*aria-label="Main"', page)
        assert "<footer" in page
        assert escape(org.worker.user.get_full_name()) in page  # names such as O'Donnell are escaped
        logout = re.search(r'<form method="post" action="/accounts/logout/">(.*?)</form>', page, re.S)
        assert logout and 'name="csrfmiddlewaretoken"' in logout.group(1) and ">Log out</button>" in logout.group(1)
        assert f'href="{reverse("password_change")}"' in page
        assert 'data-bs-toggle="collapse" data-bs-target="#main-menu"' in page


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles_and_load_nothing_from_elsewhere(client, org):
    """HT-03 (ready for script-src 'self'; style-src 'self') and CP-05 (no external requests)."""
    pages = [reverse("login"), reverse("password_reset"), reverse("password_reset_done")]
    for url in pages:
        _assert_csp_clean(client.get(url).content.decode())
    client.force_login(org.administrator)
    for url in [reverse("dashboard"), reverse("password_change"), "/no-such-page/"]:
        _assert_csp_clean(client.get(url).content.decode())


def _assert_csp_clean(page: str) -> None:
    # A JSON data block (<script type="application/json">, e.g. allauth's passkey settings) is never run.
    assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>', page), "inline <script>"
    assert not re.search(r"\sstyle=", page), "inline style attribute"
    assert "<style" not in page
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "a URL on another site"


@pytest.mark.django_db
def test_an_unknown_address_gives_the_friendly_404_page_inside_the_layout(client, org):
    client.force_login(org.worker.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert ">Log out</button>" in page


@pytest.mark.django_db
def test_the_403_page_explains_and_offers_a_way_home(org):
    request = RequestFactory().get("/somewhere/")
    request.user = org.worker.user
    response = defaults.permission_denied(request, exception=PermissionError("secret detail"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot do that" in page
    assert "secret detail" not in page


def test_the_500_page_is_generic_and_needs_no_database_or_request():
    """HT-08: no traceback or detail; rendered without context processors (the database may be down)."""
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Traceback" not in page
    assert '<html lang="en-GB">' in page


@pytest.mark.django_db
def test_a_role_granted_in_the_admin_shows_up_on_the_next_page(client, org):
    """Roles are groups: adding the Administrator group makes the Administration card appear."""
    from django.contrib.auth.models import Group

    user = org.worker.user
    client.force_login(user)
    assert "Administration" not in _cards(client.get("/"))
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    assert "Administration" in _cards(client.get("/"))
