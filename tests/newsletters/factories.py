import io
import zipfile
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lscb_portal.core.models import Frequency, Subscriber, Subscription
from newsletters.models import Article, Attachment, Contribution, Issue, IssueStatus, Resource, Series


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Frontline News {n}")
    slug = factory.Sequence(lambda n: f"frontline-news-{n}")
    description = "A bulletin for practitioners across the partnership."


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Summer 2018"
    foreword = "<p>Welcome to this issue of the newsletter.</p>"
    foreword_by = "Jane Okafor"
    foreword_role = "Independent Chair"

    class Params:
        published = factory.Trait(
            status=IssueStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    issue = factory.SubFactory(IssueFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Learning from case reviews, part {n}")
    slug = factory.Sequence(lambda n: f"learning-from-case-reviews-{n}")
    summary = "What the latest reviews tell us about working together."
    body = "<h2>What we found</h2><p>Agencies shared information well but acted late.</p>"
    author_name = "Sam Patel"
    author_role = "Designated Safeguarding Lead"
    author_agency = "Riverside Primary School"


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(part: str = "word/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        # Fixed timestamps: the same parts always make the same bytes.
        package.writestr(zipfile.ZipInfo("[Content_Types].xml", (2018, 6, 1, 9, 0, 0)), "<Types/>")
        package.writestr(zipfile.ZipInfo(f"{part}document.xml", (2018, 6, 1, 9, 0, 0)), "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    article = factory.SubFactory(ArticleFactory)
    title = "Neglect toolkit"
    file = factory.LazyFunction(lambda: upload("toolkit.pdf", pdf_bytes()))


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    article = factory.SubFactory(ArticleFactory)
    organisation = "NSPCC"
    offers = "Advice line for adults worried about a child"
    url = "https://www.nspcc.org.uk/"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    name = "Priya Shah"
    role = "Health Visitor"
    agency = "Northbrook Community Health"
    email = factory.Sequence(lambda n: f"contributor{n}@nhs.example.org")
    title = "Safe sleep week"
    text = " ".join(["word"] * 250)
    consent_text = "I agree."


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@school.example.org")
    confirmed_at = factory.LazyFunction(timezone.now)


def subscribe(series: Series, *, confirmed: bool = True, frequency: str = Frequency.IMMEDIATE) -> Subscriber:
    subscriber = SubscriberFactory(confirmed_at=timezone.now() if confirmed else None)
    Subscription.objects.create(subscriber=subscriber, list_key=series.list_key, frequency=frequency)
    return subscriber


def read_streamed(response) -> bytes:
    """The body of a streamed file response, closing the file as a WSGI server would.

    Closing a response fires request_finished; like the test client, keep that
    from closing the test's database connection.
    """
    from django.core import signals
    from django.db import close_old_connections

    content = b"".join(response.streaming_content)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)
    return content


def management(prefix: str, *, total: int = 0, initial: int = 0) -> dict[str, str]:
    """A formset's management form, as the admin posts it."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_rows(count: int) -> dict[str, str]:
    """The empty resource and attachment formsets inside each of ``count`` article rows of the issue page."""
    data = {}
    for index in range(count):
        data |= management(f"articles-{index}-resources") | management(f"articles-{index}-attachments")
    return data


def issue_change_data(issue, article, **fields) -> dict:
    """The issue page's form as posted with one article (as it is) and no blocks; ``fields`` change the issue."""
    data = {
        "series": issue.series_id,
        "number": issue.number,
        "title": issue.title,
        "issue_date": issue.issue_date.isoformat(),
        "issue_date_shown": issue.issue_date_shown,
        "foreword": issue.foreword,
        "foreword_by": issue.foreword_by,
        "foreword_role": issue.foreword_role,
        **management("articles", total=1, initial=1),
        "articles-0-id": article.pk,
        "articles-0-issue": issue.pk,
        "articles-0-position": article.position,
        "articles-0-kind": article.kind,
        "articles-0-title": article.title,
        "articles-0-slug": article.slug,
        "articles-0-summary": article.summary,
        "articles-0-body": article.body,
        **article_rows(1),
        **management("blocks"),
    }
    return data | fields
