"""Each published issue as a PDF: foreword, contents and every article, made by a job and kept in storage.

The job (``newsletters.make_issue_pdf``) is asked for whenever a published issue may have changed:
publishing or scheduling it (imports of the back catalogue included), and saving it in the admin. A job
every hour also makes any that are missing. Readers only ever get the stored file: nothing is rendered
while they wait. ``manage.py rebuild_issue_pdfs`` makes them again (after a change of logo or colour).
"""

import logging

from django.utils import timezone
from django.utils.text import slugify

from lscb_portal.core import pdf
from lscb_portal.core.links import absolute_url
from lscb_portal.core.tasks import defer_once

from . import blocks, links, selectors
from .models import Issue, IssueStatus

logger = logging.getLogger(__name__)


def issue_pdf_bytes(issue: Issue) -> bytes:
    """Render the PDF of ``issue`` as it stands (whatever its state: the job checks that)."""
    issue = selectors.issue_for_preview(issue_id=issue.pk)
    articles = selectors.issue_articles(issue=issue)
    links.add_reading_links(issue, articles, preview=False)
    filled = blocks.fill(issue, selectors.issue_blocks(issue=issue))
    context = {
        "issue": issue,
        "series": issue.series,
        "entries": blocks.page_entries(articles, filled),
        "issue_url": absolute_url(issue),
        "made_at": timezone.now(),
    }
    return pdf.render_pdf("newsletters/issue_pdf.html", context)


def storage_name(issue: Issue) -> str:
    return f"newsletters/issues/{slugify(issue.series.slug)}-issue-{issue.number}.pdf"


def make_issue_pdf(*, issue_id: int) -> bool:
    """Make and keep the PDF of a published (or scheduled) issue; False when it is a draft or gone.

    The render happens outside any transaction (it takes a while); the row is then pointed at the new copy.
    """
    issue = Issue.objects.select_related("series").filter(pk=issue_id, status=IssueStatus.PUBLISHED).first()
    if issue is None:
        return False
    stored = pdf.keep_pdf(Issue, issue_id, name=storage_name(issue), content=issue_pdf_bytes(issue))
    if stored:
        logger.info("Made the PDF of %s (%d bytes)", issue, stored.size)
    return stored is not None


def request_issue_pdf(issue: Issue) -> bool:
    """Ask the worker to make the issue's PDF (again), once the caller's transaction commits.

    A request already waiting covers this one: it renders the issue as it is when it runs.
    """
    from .tasks import make_issue_pdf as task

    if issue.status != IssueStatus.PUBLISHED:
        return False
    return defer_once(task, lock=f"newsletters.issue_pdf:{issue.pk}", issue_id=issue.pk)


def issues_without_pdf():
    return Issue.objects.filter(status=IssueStatus.PUBLISHED, pdf="")
