"""The newsletters' public pages. Thin: read through selectors, write through services."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from lscb_portal.core import pagecache, ratelimit, security
from lscb_portal.core.downloads import stored_file_response
from lscb_portal.core.errors import Refused
from lscb_portal.core.forms import blank_form_html
from lscb_portal.core.models import BoardSettings
from lscb_portal.core.search import SearchResults

from . import blocks, links, selectors, services
from .documents import DocumentType
from .forms import CONSENT_TEXT, ContributionForm, FeedbackForm
from .models import Article, Attachment, Issue, Series
from .search import sources as search_sources

# The search page lists the best this many matches.
SEARCH_LIMIT = 50


def can_preview(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("newsletters.view_issue")


def _staff_preview(request) -> HttpResponse | None:
    """None when this request may see drafts; a redirect to the second factor when the session still owes it.

    Everyone without the permission gets the same 404 as for a page that does not exist.
    """
    if not can_preview(request.user):
        raise Http404("Not found")
    if security.needs_second_factor(request):
        return redirect(security.second_factor_url(request, next_url=request.get_full_path()))
    return None


def index(request):
    return render(
        request,
        "newsletters/index.html",
        {"series_list": selectors.series_with_latest_issues(), "latest": selectors.latest_issues(limit=6)},
    )


def series(request, series: str, year: int | None = None):
    series_obj = get_object_or_404(Series, slug=series)
    years = selectors.series_years(series=series_obj)
    if year is not None and year not in years:
        raise Http404("No issues that year")
    issues = selectors.series_issues(series=series_obj, year=year)
    if year is None:
        issues = issues[:12]
    return render(
        request,
        "newsletters/series.html",
        {"series": series_obj, "issues": list(issues), "years": years, "year": year},
    )


@dataclass(frozen=True)
class ArticleSection:
    """One article as the issue page shows it, rendered once for every reader of the issue."""

    position: int
    anchor: str
    title: str
    html: str


@dataclass(frozen=True)
class IssueContents:
    sections: list[ArticleSection]
    previous: Issue | None
    following: Issue | None


def _issue_contents(request, issue: Issue, *, preview: bool) -> IssueContents:
    """The issue's articles, rendered, and the issues before and after it.

    They show only newsletters and topics, so the page keeps them as a fragment while those stand:
    when a booking sets the page aside (its blocks show places), only the blocks are read again.
    """

    def build() -> IssueContents:
        articles = selectors.issue_articles(issue=issue)
        links.add_reading_links(issue, articles, preview=preview)
        sections = [
            ArticleSection(
                position=article.position,
                anchor=article.anchor,
                title=article.title,
                html=render_to_string("partials/_newsletters_issue_article.html", {"article": article}),
            )
            for article in articles
        ]
        previous, following = (None, None) if preview else selectors.adjacent_issues(issue=issue)
        return IssueContents(sections=sections, previous=previous, following=following)

    if preview:
        return build()
    return pagecache.fragment(request, ("newsletters.issue", issue.pk), shows=["newsletters", "topics"], build=build)


def _issue_page(request, issue: Issue, *, preview: bool, feedback_form=None, status: int = 200):
    contents = _issue_contents(request, issue, preview=preview)
    filled = blocks.fill(issue, selectors.issue_blocks(issue=issue))
    context = {
        "issue": issue,
        "series": issue.series,
        "entries": blocks.page_entries(contents.sections, filled),
        "previous": contents.previous,
        "next": contents.following,
        "preview": preview,
        "feedback_form": feedback_form or FeedbackForm(),
        "blank_feedback_form": None if feedback_form else blank_form_html(request, FeedbackForm),
    }
    return render(request, "newsletters/issue.html", context, status=status)


def issue(request, series: str, number: int):
    return _issue_page(request, selectors.issue_for_reading(series_slug=series, number=number), preview=False)


@dataclass(frozen=True)
class IssueReading:
    """An issue and its articles in reading order, each with its lists and links: what any of its article pages
    shows, read once for all of them."""

    issue: Issue
    articles: list[Article]


def _issue_reading(issue: Issue, *, preview: bool) -> IssueReading:
    articles = selectors.issue_articles(issue=issue)
    links.add_reading_links(issue, articles, preview=preview)
    return IssueReading(issue=issue, articles=articles)


def _published_reading(series: str, number: int) -> IssueReading:
    # An issue that is not there raises Http404, so unknown addresses keep nothing.
    return _issue_reading(selectors.issue_for_reading(series_slug=series, number=number), preview=False)


def article(request, series: str, number: int, slug: str):
    # Kept as a fragment for the issue, not the page: its articles' pages share one reading of it.
    reading = pagecache.fragment(
        request,
        ("newsletters.reading", series, number),
        shows=["newsletters", "topics"],
        build=partial(_published_reading, series, number),
    )
    return _article_page(request, reading, slug, preview=False)


def _article_page(request, reading: IssueReading, slug: str, *, preview: bool):
    issue, articles = reading.issue, reading.articles
    position = next((index for index, item in enumerate(articles) if item.slug == slug), None)
    if position is None:
        raise Http404("No such article in this issue")
    item = articles[position]
    context = {
        "issue": issue,
        "series": issue.series,
        "article": item,
        "articles": articles,
        "previous_article": articles[position - 1] if position > 0 else None,
        "next_article": articles[position + 1] if position + 1 < len(articles) else None,
        "preview": preview,
    }
    return render(request, "newsletters/article.html", context)


def preview(request, issue_id: int):
    if refused := _staff_preview(request):
        return refused
    response = _issue_page(request, selectors.issue_for_preview(issue_id=issue_id), preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    return response


def preview_article(request, issue_id: int, slug: str):
    if refused := _staff_preview(request):
        return refused
    reading = _issue_reading(selectors.issue_for_preview(issue_id=issue_id), preview=True)
    response = _article_page(request, reading, slug, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store, private"
    return response


def attachment(request, series: str, number: int, slug: str, attachment_id: int):
    """Stream a document from storage, under the issue's own visibility rules."""
    document = get_object_or_404(
        Attachment.objects.select_related("article__issue__series"),
        pk=attachment_id,
        article__slug=slug,
        article__issue__number=number,
        article__issue__series__slug=series,
    )
    issue = document.article.issue
    draft = not Issue.objects.published().filter(pk=issue.pk).exists()
    if draft and (refused := _staff_preview(request)):
        return refused
    kind = DocumentType(document.file_type)
    response = stored_file_response(
        document.file, filename=document.filename, content_type=kind.mimetype, as_attachment=kind != DocumentType.PDF
    )
    if draft:
        response["Cache-Control"] = "no-store, private"
    return response


def issue_pdf(request, series: str, number: int):
    """The issue's PDF as the worker made and stored it: never rendered here (newsletters/issue_pdf.py)."""
    issue = get_object_or_404(
        Issue.objects.published().exclude(pdf="").only("number", "pdf", "series__slug").select_related("series"),
        series__slug=series,
        number=number,
    )
    return stored_file_response(
        issue.pdf, filename=f"{issue.series.slug}-issue-{issue.number}.pdf", content_type="application/pdf"
    )


@require_POST
def feedback(request, series: str, number: int):
    issue = selectors.issue_for_reading(series_slug=series, number=number)
    ratelimit.check(request, "newsletters.feedback")
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, issue, preview=False, feedback_form=form)
    try:
        services.feedback_record(issue=issue, useful=form.cleaned_data["useful"], comment=form.cleaned_data["comment"])
    except Refused as error:
        form.add_error(None, error)
        return _issue_page(request, issue, preview=False, feedback_form=form)
    messages.success(request, "Thank you for your feedback. It helps us improve the newsletter.")
    return HttpResponseRedirect(issue.get_absolute_url() + "#feedback")


def topics(request):
    return render(request, "newsletters/topics.html", {"topics": selectors.topics()})


def topic(request, tag: str):
    tag_obj = selectors.published_tag(slug=tag)
    return render(
        request,
        "newsletters/topic.html",
        {"tag": tag_obj, "articles": list(selectors.articles_tagged(tag=tag_obj)[:100])},
    )


def search(request):
    results = SearchResults(request.GET.get("q", ""), search_sources(), limit=SEARCH_LIMIT, depth=SEARCH_LIMIT)
    return render(request, "newsletters/search.html", {"query": results.q, "results": results})


def contribute(request):
    board = BoardSettings.get_solo()
    form = ContributionForm(request.POST or None, office_email=board.office_email)
    if request.method == "POST":
        ratelimit.check(request, "newsletters.contribute", email=request.POST.get("email", "")[:254])
        if form.is_valid():
            data = form.cleaned_data
            services.contribution_submit(
                name=data["name"],
                role=data["role"],
                agency=data["agency"],
                email=data["email"],
                title=data["title"],
                text=data["text"],
                consent_text=CONSENT_TEXT,
            )
            request.session["newsletters_contribution_title"] = data["title"]
            return redirect("newsletters:contribute_done")
    return render(request, "newsletters/contribute.html", {"form": form})


def contribute_done(request):
    title = request.session.pop("newsletters_contribution_title", None)
    if title is None:
        return redirect(reverse("newsletters:contribute"))
    return render(request, "newsletters/contribute_done.html", {"title": title})
