"""The newsletters' periodic job: email subscribers about issues whose publication time has passed.

Readers see a scheduled issue from its time without this job; it only sends the mail.
"""

from procrastinate.contrib.django import app

from . import services


@app.periodic(cron="*/5 * * * *", periodic_id="newsletters.send_issue_mail")
@app.task(name="newsletters.send_issue_mail", queueing_lock="newsletters.send_issue_mail")
def send_issue_mail(timestamp: int) -> None:
    services.notify_due_issues()


@app.task(name="newsletters.make_issue_pdf", queue="documents")
def make_issue_pdf(issue_id: int) -> None:
    """Make a published issue's PDF (newsletters/issue_pdf.py); deferred with a lock per issue."""
    from . import issue_pdf

    issue_pdf.make_issue_pdf(issue_id=issue_id)


@app.periodic(cron="17 * * * *", periodic_id="newsletters.make_missing_issue_pdfs")
@app.task(name="newsletters.make_missing_issue_pdfs", queueing_lock="newsletters.make_missing_issue_pdfs")
def make_missing_issue_pdfs(timestamp: int) -> int:
    """Hourly: ask for the PDF of every published issue that has none (a failed job, an older issue)."""
    from . import issue_pdf

    return sum(issue_pdf.request_issue_pdf(issue) for issue in issue_pdf.issues_without_pdf())
