import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def point_chapters_at_their_last_amendment(apps, schema_editor):
    """Each published chapter points at the amendment of the latest published round that amended it."""
    Chapter = apps.get_model("procedures", "Chapter")
    Amendment = apps.get_model("procedures", "Amendment")
    latest = (
        Amendment.objects.filter(chapter=OuterRef("pk"), update_round__published_at__isnull=False)
        .order_by("-update_round__published_at", "-update_round_id")
        .values("pk")[:1]
    )
    Chapter.objects.exclude(status="draft").update(last_amendment=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0005_round_own_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="chapter",
            name="last_amendment",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="procedures.amendment",
            ),
        ),
        migrations.AddField(
            model_name="historicalchapter",
            name="last_amendment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="procedures.amendment",
            ),
        ),
        migrations.RunPython(point_chapters_at_their_last_amendment, migrations.RunPython.noop),
    ]
