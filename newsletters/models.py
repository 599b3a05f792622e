"""Newsletter series, their issues and articles, and what readers send back.

What the public may see is defined once, in ``IssueQuerySet.published()`` and
``ArticleQuerySet.published()``: views, feeds, search and the sitemap all use it.
A scheduled issue is simply a published issue whose publication time is still
in the future, so it appears at that time with nothing needing to run.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from lscb_portal.core.links import path_to
from lscb_portal.core.richtext import RichTextField, heading_text, plain_text
from lscb_portal.core.search import search_vector_field, search_vector_index

from .documents import DocumentType, validate_document

# Series slugs share the /newsletters/ namespace with these pages.
RESERVED_SERIES_SLUGS = {"topics", "contribute", "search", "feed", "preview", "files"}
# Article slugs share /newsletters/<series>/<number>/ with these.
RESERVED_ARTICLE_SLUGS = {"feedback", "feed", "files", "preview"}


def validate_series_slug(value: str) -> None:
    if value in RESERVED_SERIES_SLUGS:
        raise ValidationError(f"“{value}” is used by another newsletter page. Choose a different web address.")


def validate_article_slug(value: str) -> None:
    if value in RESERVED_ARTICLE_SLUGS:
        raise ValidationError(f"“{value}” is used by another page of the issue. Choose a different web address.")


class Series(models.Model):
    """A newsletter the board publishes, e.g. a quarterly newsletter or a frontline bulletin.

    Each series is an email list of its own ("newsletters.series.<slug>").
    """

    title = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[validate_series_slug],
        help_text="The series' web address. It cannot change once an issue is published.",
    )
    description = models.TextField(blank=True, help_text="One or two sentences: who it is for and how often.")
    frequency = models.CharField(
        max_length=60, blank=True, help_text="How often it comes out, in words, e.g. “Four times a year”."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")
    is_active = models.BooleanField(
        "still published", default=True, help_text="Untick when the board stops the series; its archive stays."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_to("newsletters:series", self.slug)

    @property
    def list_key(self) -> str:
        return f"newsletters.series.{self.slug}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published or scheduled"


class IssueDateShown(models.TextChoices):
    MONTH = "month", "Month and year, e.g. March 2018"
    DAY = "day", "Day, month and year, e.g. 14 March 2018"


def today():
    return timezone.localdate()


class IssueQuerySet(models.QuerySet):
    def published(self, now=None):
        """Issues readers may see: published, and their publication time (by ``now``) has come.

        The time is the application's clock when the query is built (not the
        database's NOW(), which is the start of the transaction).
        """
        return self.filter(status=IssueStatus.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self):
        return self.filter(status=IssueStatus.PUBLISHED, published_at__gt=timezone.now())

    def awaiting_mail(self):
        """Published issues whose subscribers are to be emailed and have not been yet."""
        return self.published().filter(mail_subscribers=True, subscribers_notified_at__isnull=True)

    def in_reading_order(self):
        """Newest first by the issue's own date, so a past issue put online today is filed under its date."""
        return self.order_by("-issue_date", "-number")


class Issue(models.Model):
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="issues")
    number = models.PositiveIntegerField(
        validators=[MinValueValidator(1)],
        help_text="The issue number in its series. It is part of the web address and cannot change once published.",
    )
    title = models.CharField(
        max_length=120, help_text="The edition's date or season as readers know it, e.g. “Summer 2018”."
    )
    issue_date = models.DateField(
        "issue date",
        default=today,
        help_text="The date the issue carries, which readers see and archives and feeds file it under: for a past "
        "issue, its own date, not today's. For a month, any day in it.",
    )
    issue_date_shown = models.CharField(
        "show the date as", max_length=5, choices=IssueDateShown, default=IssueDateShown.MONTH
    )
    status = models.CharField(max_length=10, choices=IssueStatus, default=IssueStatus.DRAFT, editable=False)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        editable=False,
        help_text="Set by the publish and schedule actions.",
    )
    subscribers_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_subscribers = models.BooleanField(
        "email subscribers",
        default=True,
        editable=False,
        help_text="Set when publishing: off for an issue published without emailing anyone (a past issue).",
    )
    foreword = RichTextField(blank=True, help_text="The welcome from the Chair, Board Manager or a sub-group chair.")
    foreword_by = models.CharField("signed by", max_length=120, blank=True, help_text="e.g. Jane Doe")
    foreword_role = models.CharField(
        "signatory's role", max_length=150, blank=True, help_text="e.g. Independent Chair of the Board"
    )
    next_edition_expected = models.DateField(
        null=True, blank=True, help_text="Readers see the month and year, e.g. “September 2018”."
    )
    foreword_text = models.TextField(blank=True, editable=False)
    # The date as readers see it ("March 2018"), for search; filled in save(), never typed.
    date_text = models.CharField(max_length=40, blank=True, editable=False)
    search_vector = search_vector_field(
        a=["title"], b=["date_text", "foreword_by", "foreword_role"], c=["foreword_text"]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The issue as a PDF, made by a job whenever the published issue changes (newsletters/issue_pdf.py).
    pdf = models.FileField("PDF", max_length=255, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField("PDF size", default=0, editable=False)
    pdf_made_at = models.DateTimeField("PDF made", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector", "date_text", "pdf", "pdf_size", "pdf_made_at"])

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="newsletters_issue_unique_number"),
            models.CheckConstraint(
                condition=Q(status=IssueStatus.DRAFT) | Q(published_at__isnull=False),
                name="newsletters_issue_published_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="newsletters_issue_public"),
            models.Index(fields=["series", "-issue_date", "-number"], name="newsletters_issue_dated"),
            search_vector_index(name="newsletters_issue_search"),
        ]

    def __str__(self) -> str:
        return f"{self.series.title}, Issue {self.number} ({self.title})"

    def save(self, *args, **kwargs):
        self.foreword_text = plain_text(self.foreword)
        self.date_text = self.date_label
        if kwargs.get("update_fields") is not None:
            derived = {"foreword": "foreword_text", "issue_date": "date_text", "issue_date_shown": "date_text"}
            updated = set(kwargs["update_fields"])
            kwargs["update_fields"] = updated | {derived[name] for name in updated if name in derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("newsletters:issue", self.series.slug, self.number)

    def get_preview_url(self) -> str:
        return reverse("newsletters:preview", kwargs={"issue_id": self.pk})

    def clean(self) -> None:
        if self.issue_date and self.issue_date_shown == IssueDateShown.MONTH:
            self.issue_date = self.issue_date.replace(day=1)

    @property
    def label(self) -> str:
        return f"Issue {self.number}: {self.title}"

    @property
    def full_title(self) -> str:
        """As the issue's page and PDF are titled: the series, the number and the title."""
        return f"{self.series.title}, Issue {self.number}: {self.title}"

    @property
    def pdf_size_label(self) -> str:
        """The PDF's size as the download link says it: "312 KB", "1.4 MB"."""
        if self.pdf_size >= 1024 * 1024:
            return f"{self.pdf_size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.pdf_size / 1024))} KB"

    def get_pdf_url(self) -> str:
        return reverse("newsletters:issue_pdf", kwargs={"series": self.series.slug, "number": self.number})

    @property
    def date_label(self) -> str:
        """The issue's own date as readers see it: “March 2018” or “14 March 2018”."""
        if self.issue_date_shown == IssueDateShown.DAY:
            return f"{self.issue_date.day} {self.issue_date:%B %Y}"
        return f"{self.issue_date:%B %Y}"

    @property
    def date_iso(self) -> str:
        """The issue's date for a <time> element: 2018-03 or 2018-03-14."""
        if self.issue_date_shown == IssueDateShown.DAY:
            return self.issue_date.isoformat()
        return f"{self.issue_date:%Y-%m}"

    @property
    def state(self) -> str:
        """Draft, Scheduled or Published, as editors think of it."""
        if self.status == IssueStatus.DRAFT:
            return "Draft"
        if self.published_at and self.published_at > timezone.now():
            return "Scheduled"
        return "Published"

    @property
    def is_public(self) -> bool:
        return self.state == "Published"

    @property
    def was_ever_published(self) -> bool:
        """Once readers may have seen it, its web address must not change."""
        return self.published_at is not None


class ArticleKind(models.TextChoices):
    ARTICLE = "article", "Article"
    BOARD_MEETING = "board_meeting", "Board meeting summary"
    BUSINESS_PLAN = "business_plan", "Business plan priorities"
    TRAINING = "training", "Training advert"
    PROCEDURES = "procedures", "Procedures updated"


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles of the issues readers may see (``IssueQuerySet.published``)."""
        return self.filter(issue__status=IssueStatus.PUBLISHED, issue__published_at__lte=now or timezone.now())


class Article(models.Model):
    """One piece of an issue. Board meeting summaries and training adverts are articles too."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveSmallIntegerField(default=0, help_text="Articles are listed in this order.")
    kind = models.CharField(max_length=20, choices=ArticleKind, default=ArticleKind.ARTICLE)
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        validators=[validate_article_slug],
        help_text="The article's web address within the issue. It cannot change once the issue is published.",
    )
    summary = models.TextField(blank=True, help_text="One or two sentences shown in lists and search results.")
    body = RichTextField(blank=True)
    author_name = models.CharField(max_length=120, blank=True)
    author_role = models.CharField(max_length=150, blank=True)
    author_agency = models.CharField("author's agency", max_length=150, blank=True)
    tags = TaggableManager(
        "topics", blank=True, help_text="Topics, separated by commas, e.g. Neglect, Early help, Domestic abuse."
    )
    body_text = models.TextField(blank=True, editable=False)
    headings_text = models.TextField(blank=True, editable=False)
    search_vector = search_vector_field(a=["title"], b=["summary", "headings_text"], c=["body_text"])
    history = HistoricalRecords(excluded_fields=["search_vector"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["issue", "slug"], name="newsletters_article_unique_slug")]
        indexes = [search_vector_index(name="newsletters_article_search")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "article"
        self.body_text = plain_text(self.body)
        self.headings_text = heading_text(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("newsletters:article", self.issue.series.slug, self.issue.number, self.slug)

    @property
    def anchor(self) -> str:
        return f"article-{self.slug}"

    @property
    def byline(self) -> str:
        return ", ".join(part for part in (self.author_name, self.author_role, self.author_agency) if part)


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"newsletters/attachments/{timezone.now():%Y/%m}/{filename}"


def attachment_max_bytes() -> int:
    return getattr(settings, "NEWSLETTER_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


class Attachment(models.Model):
    """A document offered with an article: guidance, a flyer, a booking form."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200, help_text="What the document is, e.g. “Neglect toolkit (2018)”.")
    file = models.FileField(
        upload_to=attachment_path,
        max_length=255,
        validators=[validate_document],
        help_text="PDF, Word (DOCX), PowerPoint (PPTX) or Excel (XLSX), up to 10 MB.",
    )
    file_type = models.CharField(max_length=4, choices=DocumentType.choices, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The type shown to readers is the one the content proves, never the name's extension.
        if self.file and not self.file_type:
            self.file_type = validate_document(self.file)
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        article = self.article
        return reverse(
            "newsletters:attachment",
            kwargs={
                "series": article.issue.series.slug,
                "number": article.issue.number,
                "slug": article.slug,
                "attachment_id": self.pk,
            },
        )

    @property
    def filename(self) -> str:
        extension = DocumentType(self.file_type).extension if self.file_type else ""
        return f"{slugify(self.title)[:80] or 'document'}.{extension}"


class Resource(models.Model):
    """A "further information and resources" line: who, what they offer, where."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=0)
    organisation = models.CharField(max_length=150)
    offers = models.CharField("what it offers", max_length=300)
    url = models.URLField("web address", max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "position", "pk"]

    def __str__(self) -> str:
        return self.organisation


class ContributionStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Contribution(models.Model):
    """An article offered by a practitioner through the public form."""

    name = models.CharField(max_length=120)
    role = models.CharField(max_length=150)
    agency = models.CharField(max_length=150)
    email = models.EmailField("work email", max_length=254)
    title = models.CharField(max_length=200)
    text = models.TextField()
    consent_text = models.TextField(help_text="The wording the contributor agreed to.")
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        max_length=10, choices=ContributionStatus, default=ContributionStatus.NEW, editable=False
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    decision_note = models.TextField(
        blank=True, help_text="Sent to the contributor with the outcome, e.g. why it was declined."
    )
    article = models.OneToOneField(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="contribution", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="newsletters_contrib_queue")]

    def __str__(self) -> str:
        return f"{self.title} ({self.name})"

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class Feedback(models.Model):
    """A reader's answer to "Was this issue useful?"."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="feedback")
    useful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{'Useful' if self.useful else 'Not useful'}: {self.issue}"


class BlockKind(models.TextChoices):
    TRAINING = "training", "Training with places"
    PROCEDURES = "procedures", "Procedures updated"


class IssueBlock(models.Model):
    """A part of an issue filled from another app when it is read or sent.

    A "Training with places" block lists sessions of chosen courses, or sessions in a date range; on the
    web it shows the places left now. A "Procedures updated" block lists the amendments published since
    the series' previous issue (or those of one chosen round) as the manual's tables.

    Blocks sit among the articles by ``position``: a block follows every article whose position is the
    same number or lower. When subscribers are emailed, each block's content is frozen in ``snapshot``,
    so the email (and its record here) keeps the figures as they were at sending.
    """

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Where the block goes: after every article with this position number or lower "
        "(0 puts it before the articles).",
    )
    kind = models.CharField(max_length=12, choices=BlockKind, default=BlockKind.TRAINING)
    title = models.CharField(
        max_length=200, blank=True, help_text="Leave blank to use “Training with places” or “Procedures updated”."
    )
    introduction = models.TextField(blank=True, help_text="Optional. A sentence or two shown above the table.")
    courses = models.ManyToManyField(
        "training.Course",
        blank=True,
        related_name="+",
        help_text="Training: list the upcoming sessions of these courses. Leave empty to list every course's "
        "sessions in the dates below.",
    )
    sessions_from = models.DateField(
        "sessions on or after", null=True, blank=True, help_text="Training: the first date of sessions to list."
    )
    sessions_until = models.DateField(
        "sessions on or before", null=True, blank=True, help_text="Training: the last date of sessions to list."
    )
    update_round = models.ForeignKey(
        "procedures.UpdateRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Procedures: leave blank to list every amendment published since the series' previous issue.",
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False, help_text="What subscribers were sent.")
    snapshot_taken_at = models.DateTimeField("figures frozen at", null=True, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[courses])

    class Meta:
        ordering = ["issue", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_from__isnull=True)
                | Q(sessions_until__isnull=True)
                | Q(sessions_until__gte=F("sessions_from")),
                name="newsletters_block_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    def clean(self) -> None:
        if self.sessions_from and self.sessions_until and self.sessions_until < self.sessions_from:
            raise ValidationError({"sessions_until": "The last date must be the same as or after the first date."})

    @property
    def heading(self) -> str:
        return self.title or BlockKind(self.kind).label

    @property
    def anchor(self) -> str:
        return f"block-{self.pk}"

    @property
    def is_training(self) -> bool:
        return self.kind == BlockKind.TRAINING

    @property
    def is_procedures(self) -> bool:
        return self.kind == BlockKind.PROCEDURES
