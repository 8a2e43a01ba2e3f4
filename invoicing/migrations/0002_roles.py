"""Give the roles their invoice permissions (see efile/roles.py)."""

from django.db import migrations

from efile.roles_sync import roles_sync


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0001_initial"),
        ("efile", "0005_intake_split_merge"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
