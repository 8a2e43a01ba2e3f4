"""Create the role groups and give each exactly the permissions of `efile.roles`.

Called from data migrations with the historical app registry, so it works on an empty
database before any model permission has been created by `post_migrate`.
"""

from django.contrib.auth.management import create_permissions

from .roles import ROLE_PERMISSIONS


def roles_sync(apps, schema_editor=None) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None:
                # Not created yet at this point of the migration history: the migration of
                # that app which adds it syncs the roles again (tests.efile.test_roles checks
                # that every permission exists after the last migration).
                continue
            permissions.append(found)
        group.permissions.set(permissions)
