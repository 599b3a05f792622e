"""The newsletters' periodic job: email subscribers about issues whose publication time has passed.

Readers see a scheduled issue from its time without this job; it only sends the mail.
"""

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="*/5 * * * *", periodic_id="newsletters.send_issue_mail")
@app.task(name="newsletters.send_issue_mail", queueing_lock="newsletters.send_issue_mail")
def send_issue_mail(timestamp: int) -> None:
    services.notify_due_issues()
