"""Once granted the procedures manual to Procedure editors.

The grants moved to ``lscb_portal.core.roles.sync_roles``, run after every migrate, so that no migration
imports live code; the migration stays so that the ones after it keep their place in the graph.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_manual_chapters_rounds"),
        ("core", "0002_roles"),
    ]

    operations = []
