"""The procedures manual: sections, chapters, update rounds, amendments, versions, glossary.

A chapter's words live in its versions. Editors draft versions and amendment
notes inside an update round; ``services.round_publish`` makes the whole round
live at once and is the only code that moves a chapter's published pointers
(``current_version``, ``last_amendment``, ``title``, ``slug``, ``status``). Until then nothing of
the round shows anywhere: every public read goes through the QuerySet methods
below.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from solo.models import SingletonModel

from lscb_portal.core.links import free_slug, path_to
from lscb_portal.core.richtext import RichTextField, plain_text, sanitize
from lscb_portal.core.search import search_vector_field, search_vector_index

from .anchors import add_heading_anchors, heading_text

# Chapter slugs share /procedures/<slug>/ with the manual's own pages.
RESERVED_SLUGS = {"amendments", "glossary", "archive", "verify", "search", "feed", "print", "changes", "as-at"}


def validate_chapter_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by a page of the manual. Choose another web address.")


class Manual(SingletonModel):
    """The one procedures manual (often shared by neighbouring boards)."""

    title = models.CharField(max_length=150, default="Child protection procedures")
    description = models.TextField(
        blank=True, help_text="A short introduction shown above the contents: who the manual is for."
    )
    next_update = models.DateField(
        "next scheduled update",
        null=True,
        blank=True,
        help_text="The month the next update round is planned for (only the month and year are shown).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "manual"
        verbose_name_plural = "manual"

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A part of the manual that groups chapters (e.g. "Responding to concerns")."""

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Sections are listed in this order.")
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class ChapterStatus(models.TextChoices):
    DRAFT = "draft", "Not yet published"
    CURRENT = "current", "Current"
    ARCHIVED = "archived", "Archived (withdrawn)"


class ChapterQuerySet(models.QuerySet):
    def current(self):
        """Chapters in force now: published by a round and not withdrawn."""
        return self.filter(status=ChapterStatus.CURRENT)

    def archived(self):
        return self.filter(status=ChapterStatus.ARCHIVED)

    def published(self):
        """Chapters the public may open: current ones and withdrawn ones (shown as not current)."""
        return self.filter(status__in=[ChapterStatus.CURRENT, ChapterStatus.ARCHIVED])


class Chapter(models.Model):
    """A chapter's identity; its words are in its versions.

    ``title``, ``slug``, ``status`` and ``current_version`` describe the version
    in force, and ``last_amendment`` is the latest published round's note on the
    chapter; they are written only by ``round_publish``. A chapter that no round
    has published yet keeps its working title and is invisible to the public.
    """

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="chapters")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its section.")
    title = models.CharField(
        max_length=200, help_text="A working title until the chapter is published; then the published title."
    )
    slug = models.SlugField(max_length=200, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=ChapterStatus, default=ChapterStatus.DRAFT, editable=False)
    current_version = models.OneToOneField(
        "ChapterVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField("last updated", null=True, blank=True, editable=False)
    last_amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, help_text="Chapters practitioners should read alongside this one."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ChapterStatus.DRAFT) | Q(current_version__isnull=False, slug__isnull=False),
                name="procedures_chapter_published_has_version",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_to("procedures:chapter", self.slug)

    @property
    def is_current(self) -> bool:
        return self.status == ChapterStatus.CURRENT


class UpdateRoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)


class UpdateRound(models.Model):
    """A set of changes that goes live together ("March 2018 update")."""

    title = models.CharField(max_length=120, unique=True, help_text="E.g. “March 2018 update”.")
    introduction = models.TextField(
        blank=True, help_text="Optional. A sentence or two shown above this round's amendments."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    slug = models.SlugField(
        "web address",
        max_length=130,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Made from the title when the round is published; it never changes after that.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = UpdateRoundQuerySet.as_manager()

    class Meta:
        ordering = [F("published_at").desc(nulls_first=True), "-created_at"]
        verbose_name = "update round"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A published round's address is its day and a slug of its title at publication; kept thereafter,
        # so a later change of title, or another round published the same day, never moves it.
        if self.published_at is not None and not self.slug:
            self.slug = self.free_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The round's own page: its publication day and its own slug, which never change once published."""
        if self.published_at is None or not self.slug:
            return reverse("procedures:amendments")
        return path_to("procedures:round", timezone.localdate(self.published_at), self.slug)

    def free_slug(self) -> str:
        """The address the round takes when published: a slug of its title no other round has."""
        base = slugify(self.title)[:120].strip("-") or "update"
        others = UpdateRound.objects.filter(slug__startswith=base).exclude(pk=self.pk)
        return free_slug(base, set(others.values_list("slug", flat=True)))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AmendmentKind(models.TextChoices):
    NEW = "new", "New chapter"
    UPDATED = "updated", "Updated"
    RENAMED = "renamed", "Renamed and updated"
    REVIEWED = "reviewed", "Reviewed, no change"
    ARCHIVED = "archived", "Archived (withdrawn)"


# Kinds that need a new text of the chapter drafted in the round.
KINDS_WITH_TEXT = {AmendmentKind.NEW, AmendmentKind.UPDATED, AmendmentKind.RENAMED}


class AmendmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(update_round__published_at__isnull=False)

    def major(self):
        return self.filter(major=True)


class Amendment(models.Model):
    """One line of a round's announcement: what changed in one chapter, and why."""

    update_round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="amendments")
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(max_length=10, choices=AmendmentKind, default=AmendmentKind.UPDATED)
    details = models.TextField(
        "details of the amends",
        help_text="What changed and what practitioners should do, e.g. “Section 3 has been updated to reflect…”.",
    )
    sections_affected = models.CharField(
        max_length=200, blank=True, help_text="Optional. E.g. “3, 5.2” or “throughout”."
    )
    major = models.BooleanField(
        default=False,
        help_text="A change to practice. Subscribers who asked for major changes only hear of these.",
    )
    previous_title = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The chapter's title before this round (renames)."
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["update_round", "chapter"], name="procedures_amendment_one_per_chapter")
        ]

    def __str__(self) -> str:
        return f"{self.chapter}: {self.get_kind_display()}"

    @property
    def is_new(self) -> bool:
        return self.kind == AmendmentKind.NEW


class ChapterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(update_round__published_at__isnull=False)

    def drafts(self):
        return self.filter(update_round__published_at__isnull=True)

    def in_force(self, at: datetime):
        """Each chapter's version in force at ``at`` (one per chapter, archived ones included)."""
        return (
            self.published()
            .filter(update_round__published_at__lte=at)
            .order_by("chapter_id", "-update_round__published_at")
            .distinct("chapter_id")
        )

    def searchable(self):
        """The versions in force now of current chapters: what search looks through."""
        return self.filter(chapter__current_version=F("pk"), chapter__status=ChapterStatus.CURRENT)


class ChapterVersion(models.Model):
    """The text of a chapter as one round publishes it. Published versions are never changed."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="versions")
    update_round = models.ForeignKey(UpdateRound, on_delete=models.PROTECT, related_name="versions")
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        "web address",
        max_length=200,
        validators=[validate_chapter_slug],
        help_text="The last part of the chapter's address. If a rename changes it, the old address redirects.",
    )
    summary = models.TextField(blank=True, help_text="One or two sentences: what the chapter covers and for whom.")
    body = RichTextField(
        blank=True,
        help_text="Use level 2 headings for numbered sections and level 3 for sub-sections. "
        "Each heading gets a link anchor that stays the same in later versions.",
    )
    key_words = models.CharField(
        max_length=300, blank=True, help_text="Optional. Words people may search for, separated by commas."
    )
    status = models.CharField(
        max_length=10,
        choices=[(ChapterStatus.CURRENT, "Current"), (ChapterStatus.ARCHIVED, "Archived (withdrawn)")],
        default=ChapterStatus.CURRENT,
    )
    number = models.PositiveIntegerField(null=True, blank=True, editable=False, help_text="1 for the first version.")
    print_code = models.CharField(max_length=12, unique=True, null=True, blank=True, editable=False)
    # Plain forms of the text for search; filled in save(), never typed.
    body_text = models.TextField(blank=True, editable=False)
    headings_text = models.TextField(blank=True, editable=False)
    old_titles = models.TextField(blank=True, editable=False)
    search_vector = search_vector_field(
        a=["title", "old_titles"], b=["headings_text", "summary", "key_words"], c=["body_text"]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    objects = ChapterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["chapter", "-number"]
        verbose_name = "chapter version"
        constraints = [
            models.UniqueConstraint(fields=["chapter", "update_round"], name="procedures_version_one_per_round"),
            models.UniqueConstraint(fields=["chapter", "number"], name="procedures_version_unique_number"),
        ]
        indexes = [search_vector_index(name="procedures_version_search")]

    def __str__(self) -> str:
        return f"{self.title} ({self.update_round})"

    def save(self, *args, **kwargs):
        previous = None
        if self.chapter_id:
            previous = self.chapter.current_version if self.chapter.current_version_id != self.pk else None
        self.body = add_heading_anchors(sanitize(self.body or ""), previous=previous.body if previous else "")
        self.body_text = plain_text(self.body)
        self.headings_text = heading_text(self.body)
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.update_round.published_at is not None

    @property
    def published_at(self):
        return self.update_round.published_at


class GlossaryTerm(models.Model):
    """A word or abbreviation the manual uses, explained once and linked from chapters."""

    term = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=130, unique=True)
    also_known_as = models.CharField(
        max_length=200, blank=True, help_text="Optional. Other forms, e.g. the abbreviation, separated by commas."
    )
    definition = models.TextField(help_text="Plain English, one short paragraph.")
    link_in_chapters = models.BooleanField(
        default=True, help_text="Link the first use of this term in each chapter to its definition."
    )
    search_vector = search_vector_field(a=["term", "also_known_as"], c=["definition"])
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["term"]
        indexes = [search_vector_index(name="procedures_glossary_search")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return path_to("procedures:glossary") + f"#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"

    @property
    def initial(self) -> str:
        first = self.term[:1].upper()
        return first if first.isalpha() else "#"

    def names(self) -> list[str]:
        return [self.term] + [name.strip() for name in self.also_known_as.split(",") if name.strip()]
