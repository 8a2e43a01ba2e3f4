"""Give the roles their building-application permissions (see efile/roles.py)."""

from django.db import migrations

from efile.roles_sync import roles_sync


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_building_application"),
        ("invoicing", "0002_roles"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
