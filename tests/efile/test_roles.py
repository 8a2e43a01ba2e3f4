"""Every permission a role names exists after the last migration, and the groups hold
exactly the permissions of `efile.roles` (a typo in the table must not go unnoticed)."""

import pytest
from django.contrib.auth.models import Group, Permission

from efile.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_every_role_permission_exists_and_the_groups_hold_exactly_them():
    for role, names in ROLE_PERMISSIONS.items():
        expected = set()
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            assert permission is not None, f"{role.value}: unknown permission {name}"
            expected.add(permission.pk)
        group = Group.objects.get(name=role.value)
        assert set(group.permissions.values_list("pk", flat=True)) == expected, role.value
