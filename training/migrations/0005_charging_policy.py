from decimal import Decimal

from django.db import migrations

DEFAULT_RATES = [
    ("half_day", Decimal("50.00"), Decimal("75.00")),
    ("full_day", Decimal("100.00"), Decimal("150.00")),
    ("hours", Decimal("15.00"), Decimal("25.00")),
]


def keep_fixed_charges_and_add_rates(apps, schema_editor):
    """Courses that already named a charge keep it as a fixed amount; the policy starts with default rates."""
    Course = apps.get_model("training", "Course")
    LengthRate = apps.get_model("training", "LengthRate")
    for course in Course.objects.filter(non_attendance_charge__gt=0):
        course.charge_basis = "fixed"
        course.non_partner_charge = course.non_attendance_charge
        course.save(update_fields=["charge_basis", "non_partner_charge"])
    for length, partner, non_partner in DEFAULT_RATES:
        LengthRate.objects.get_or_create(
            length=length, defaults={"partner_rate": partner, "non_partner_rate": non_partner}
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0004_attendance_charges_evaluations")]

    operations = [
        migrations.RunPython(keep_fixed_charges_and_add_rates, migrations.RunPython.noop),
    ]
