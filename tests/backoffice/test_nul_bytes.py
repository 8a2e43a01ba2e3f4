"""NUL characters in parameters are refused with 400 before they reach the database
(PostgreSQL cannot store them; without the guard they were server errors)."""

import pytest
from django.urls import reverse

from efile.roles import Role
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accountant(client):
    unit = OrgUnitFactory(code="finanzen", name="Finanzen")
    client.force_login(UserFactory(username="k", role=Role.ACCOUNTING, org_units=[unit]))
    return client


def test_form_field_with_nul_is_refused_in_german_json(accountant):
    response = accountant.post(reverse("api-invoice-list"), {"org_unit": "fin\x00anzen"})
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert "Steuerzeichen" in response.json()["message"]


def test_query_parameter_and_json_body_with_nul_are_refused(accountant):
    assert accountant.get(reverse("api-efile-list"), {"q": "a\x00b"}).status_code == 400
    response = accountant.post(
        reverse("api-party-list"), '{"name": "A\\u0000B"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert accountant.get(reverse("efile:efiles:index"), {"q": "x\x00"}).status_code == 400


def test_ordinary_requests_pass(accountant):
    assert accountant.get(reverse("api-efile-list"), {"q": "Bauamt"}).status_code == 200
