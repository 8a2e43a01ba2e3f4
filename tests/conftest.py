import pytest

from efile.roles import Role

from .factories import FilingPlanItemFactory, OrgUnitFactory, UserFactory


@pytest.fixture
def plan_item(db):
    return FilingPlanItemFactory(code="610.20", title="Baugenehmigungen")


@pytest.fixture
def bauamt(db):
    return OrgUnitFactory(code="bauamt", name="Bauamt")


@pytest.fixture
def umwelt(db):
    return OrgUnitFactory(code="umwelt", name="Umwelt")


@pytest.fixture
def clerk(bauamt):
    return UserFactory(username="clerk", role=Role.CLERK, org_units=[bauamt])


@pytest.fixture
def registry_user(db):
    return UserFactory(username="registry", role=Role.REGISTRY)


@pytest.fixture(autouse=True)
def tmp_blobs(settings, tmp_path):
    """A fresh blob directory per test, so content-addressed blobs do not leak between tests.

    Django's `setting_changed` handler re-creates `default_storage` for the new STORAGES.
    """
    location = tmp_path / "blobs"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location
