"""The training worker's periodic jobs. Each calls a service; each is safe to run twice."""

import datetime

from procrastinate.contrib.django import app

from . import services


def _at(timestamp: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


@app.periodic(cron="*/5 * * * *")
@app.task(name="training.expire_holds")
def expire_holds(timestamp: int) -> int:
    """Pass unanswered offers and unapproved holds on to the next person waiting."""
    return services.holds_expire(now=_at(timestamp))


@app.periodic(cron="0 * * * *")
@app.task(name="training.send_reminders")
def send_reminders(timestamp: int) -> int:
    """Remind delegates a few days before their session (once each)."""
    return services.reminders_send(now=_at(timestamp))


@app.periodic(cron="30 2 * * *")
@app.task(name="training.delete_needs")
def delete_needs(timestamp: int) -> int:
    """Delete access and dietary needs a week after each session."""
    return services.needs_delete_expired(now=_at(timestamp))


@app.periodic(cron="0 9 * * *")
@app.task(name="training.send_evaluations")
def send_evaluations(timestamp: int) -> int:
    """Ask attendees for the impact evaluation a set time (four weeks by default) after their session."""
    return services.evaluations_send(now=_at(timestamp))
