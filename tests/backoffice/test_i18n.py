import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse


@pytest.fixture
def logged_in(client, clerk):
    client.force_login(clerk)
    return client


def test_pages_are_german_by_default(logged_in):
    page = logged_in.get(reverse("efile:efiles:index")).content.decode()
    assert "Keine Akten gefunden." in page
    assert '<html lang="de"' in page


def test_english_is_available_through_the_language_switch(logged_in):
    response = logged_in.post(
        reverse("set_language"), {"language": "en", "next": reverse("efile:efiles:index")}
    )
    assert response.status_code == 302
    page = logged_in.get(reverse("efile:efiles:index")).content.decode()
    assert "No files found." in page
    assert "Keine Akten gefunden." not in page


def test_german_validation_messages_translate_too():
    from django.utils import translation

    from efile.services import validate_filename

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate_filename("bad\x07name.pdf")
    assert "control characters" in " ".join(caught.value.messages)
