"""An administrator reaches the admin only through the site's sign-in, with a second factor."""

from django.urls import reverse

from accounts.testing import totp_code_for, totp_enrol
from people.tests.factories import DEFAULT_PASSWORD


def test_an_administrator_who_logs_in_through_the_site_lands_in_the_admin(client, org):
    """AS-01: an administrator signs in with a password and a second factor."""
    totp_enrol(org.administrator)
    response = client.post(
        f"{reverse('login')}?next=/admin/", {"login": "administrator", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code_for(org.administrator)}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "Boundaries administration" in response.content.decode()
