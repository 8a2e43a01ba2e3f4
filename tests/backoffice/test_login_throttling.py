"""Login throttling (django-axes): repeated wrong passwords lock the user name out, with a
German page; a successful login before the limit resets the count."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Richtig-und-lang-2026"


@pytest.fixture
def user(db):
    user = UserFactory(username="sabine")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password):
    return client.post(reverse("login"), {"username": "sabine", "password": password})


def test_too_many_failed_logins_lock_the_user_name_out(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        assert _login(client, "falsch").status_code == 200
    locked = _login(client, "falsch")
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert _login(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _login(client, "falsch")
    _login(client, "falsch")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    _login(client, "falsch")
    assert _login(client, PASSWORD).status_code == 302
