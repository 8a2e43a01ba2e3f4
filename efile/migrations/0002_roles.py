"""Create the role groups of DESIGN.md with their permissions (see efile/roles.py)."""

from django.db import migrations

from efile.roles_sync import roles_sync


class Migration(migrations.Migration):
    dependencies = [
        ("efile", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
