"""Venue and trainer records made from what sessions were typed with, and each session linked to them.

Sessions keep their own text: nothing delegates see changes. Venues are told apart by name and
postcode (ignoring case and spaces), trainers by name (ignoring case); each record takes its details
from the latest session that used it.
"""

from django.db import migrations


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def venues_and_trainers_from_sessions(apps, schema_editor):
    Session = apps.get_model("training", "Session")
    Venue = apps.get_model("training", "Venue")
    Trainer = apps.get_model("training", "Trainer")
    venues: dict[tuple[str, str], object] = {
        (_squash(venue.name), _squash(venue.postcode)): venue for venue in Venue.objects.all()
    }
    trainers: dict[str, object] = {_squash(trainer.name): trainer for trainer in Trainer.objects.all()}
    sessions = Session.objects.select_related("course").order_by("-starts_at", "-pk")
    for session in sessions:
        name = " ".join(session.venue_name.split())
        address = session.venue_address.strip()
        postcode = " ".join(session.venue_postcode.split())
        if not name and address:
            name = address.splitlines()[0].strip()
        if name:
            key = (_squash(name), _squash(postcode))
            venue = venues.get(key)
            if venue is None:
                online = session.course.delivery == "online" and not address
                venue = Venue.objects.create(
                    name=name[:200],
                    is_online=online,
                    address=address,
                    postcode=postcode[:10],
                    access_notes=session.access_notes.strip(),
                    # A joining link stays on its session: most are made for one meeting.
                    joining_url="",
                )
                venues[key] = venue
            Session.objects.filter(pk=session.pk).update(venue=venue)
        chosen = []
        for typed in session.trainers.split(","):
            typed = " ".join(typed.split())
            if not typed:
                continue
            trainer = trainers.get(_squash(typed))
            if trainer is None:
                trainer = trainers[_squash(typed)] = Trainer.objects.create(name=typed[:200])
            chosen.append(trainer)
        if chosen:
            session.trainer_records.set(chosen)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0010_venues_and_trainers"),
    ]

    operations = [
        migrations.RunPython(venues_and_trainers_from_sessions, migrations.RunPython.noop, elidable=True),
    ]
