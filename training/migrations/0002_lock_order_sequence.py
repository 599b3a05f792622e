from django.db import migrations

# Booking attempts take a number from this sequence while they hold the session's
# lock, so the numbers record the order in which attempts took the lock.
CREATE = "CREATE SEQUENCE IF NOT EXISTS training_booking_lock_order"
DROP = "DROP SEQUENCE IF EXISTS training_booking_lock_order"


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
