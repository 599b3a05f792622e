"""Once created the staff roles and granted the base's models to them.

The grants moved to ``lscb_portal.core.roles.sync_roles``, run after every migrate, so that no migration
imports live code; the migration stays so that the ones after it keep their place in the graph.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
