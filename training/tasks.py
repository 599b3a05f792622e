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


@app.task(name="training.make_certificate_pdf", queue="documents")
def make_certificate_pdf(certificate_id: int) -> None:
    """Make a certificate's PDF (training/certificates.py); deferred with a lock per certificate."""
    from . import certificates

    certificates.make_certificate_pdf(certificate_id=certificate_id)


@app.periodic(cron="47 * * * *", periodic_id="training.make_missing_certificate_pdfs")
@app.task(name="training.make_missing_certificate_pdfs", queueing_lock="training.make_missing_certificate_pdfs")
def make_missing_certificate_pdfs(timestamp: int) -> int:
    """Hourly: ask for the PDF of every certificate that has none (a failed job, one issued before PDFs)."""
    from . import certificates

    return sum(certificates.request_certificate_pdf(item) for item in certificates.certificates_without_pdf())
