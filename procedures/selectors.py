"""Reads of the manual for its pages, feeds and emails, the home page and newsletters: rounds and their
amendments, the contents, chapters and their history.

Everything here shows only what published rounds made live. What a printed code says now is in
``printcodes``; what readers can search for is in ``search``.
"""

from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from lscb_portal.core.models import read_singleton

from .models import (
    Amendment,
    AmendmentKind,
    Chapter,
    ChapterStatus,
    ChapterVersion,
    GlossaryTerm,
    Manual,
    Section,
    UpdateRound,
)
from .rendering import GlossaryLinker

# ---------------------------------------------------------------- amendments


@dataclass
class AmendmentGroup:
    key: str
    heading: str  # "Updated chapters"
    details_heading: str  # "Details of amends"
    amendments: list = field(default_factory=list)


def group_amendments(amendments) -> list[AmendmentGroup]:
    """A round's amendments as real manuals table them: updated chapters, new chapters, archived chapters."""
    groups = {
        "updated": AmendmentGroup("updated", "Updated chapters", "Details of amends"),
        "new": AmendmentGroup("new", "New chapters", "Details"),
        "archived": AmendmentGroup("archived", "Archived chapters", "Details"),
    }
    for amendment in amendments:
        if amendment.kind == AmendmentKind.NEW:
            groups["new"].amendments.append(amendment)
        elif amendment.kind == AmendmentKind.ARCHIVED:
            groups["archived"].amendments.append(amendment)
        else:
            groups["updated"].amendments.append(amendment)
    return [group for group in groups.values() if group.amendments]


def published_rounds():
    """Published rounds, newest first, with their amendments and chapters (two queries)."""
    return (
        UpdateRound.objects.published()
        .order_by("-published_at", "-pk")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.select_related("chapter").order_by("position", "id"))
        )
    )


# The amendments page shows this many rounds in full, then links to this many earlier ones.
ROUNDS_IN_FULL = 3
EARLIER_ROUNDS_LISTED = 20


@dataclass(frozen=True)
class AmendmentsPage:
    rounds: list[UpdateRound]  # the latest rounds, newest first, shown in full (their tables: ``round_groups``)
    earlier: list[UpdateRound]  # the next rounds, as links to their own pages
    more_earlier: bool  # older rounds still, listed on the earlier rounds page


def amendments_page(rounds: list[UpdateRound]) -> AmendmentsPage:
    """The amendments page's share of the published ``rounds`` (``rounds_listed``): the latest in full and links
    to the next ones, so the page stays the same size as rounds accumulate."""
    earlier = earlier_rounds(rounds)
    return AmendmentsPage(
        rounds=rounds[:ROUNDS_IN_FULL],
        earlier=earlier[:EARLIER_ROUNDS_LISTED],
        more_earlier=len(earlier) > EARLIER_ROUNDS_LISTED,
    )


def earlier_rounds(rounds: list[UpdateRound]) -> list[UpdateRound]:
    """The rounds after those the amendments page shows in full, newest first."""
    return rounds[ROUNDS_IN_FULL:]


def rounds_listed() -> list[UpdateRound]:
    """Every published round, newest first, each with how many chapters it changed (``amendment_count``): what the
    amendments page and the list of earlier rounds show of them (one query; a board publishes a few a year)."""
    return list(
        UpdateRound.objects.published()
        .order_by("-published_at", "-pk")
        .annotate(amendment_count=Count("amendments"))
        .only("title", "slug", "published_at", "introduction")
    )


def round_groups(update_round: UpdateRound) -> list[AmendmentGroup]:
    """A published round's amendments with their chapters, grouped for its tables (one query)."""
    amendments = Amendment.objects.filter(update_round=update_round).select_related("chapter")
    return group_amendments(amendments.order_by("position", "id"))


def rounds_published_on(day: date, *, slug: str | None = None) -> list[UpdateRound]:
    """The rounds published on ``day`` (a date in the board's time zone; almost always one), or the one
    with ``slug``: what a round's own page shows (its tables: ``round_groups``)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    rounds = UpdateRound.objects.published().filter(published_at__gte=start, published_at__lt=end)
    if slug is not None:
        rounds = rounds.filter(slug=slug)
    return list(rounds.order_by("published_at", "pk"))


def manual() -> Manual:
    return read_singleton(Manual)


@dataclass(frozen=True)
class HomeBlock:
    update_round: UpdateRound | None
    amendments: list[Amendment]  # the round's, in its order, with their chapters
    new_chapters: int
    updated_chapters: int
    next_update: object  # date or None


def home_block() -> HomeBlock:
    """The home page's "procedures" block: the latest round with its amendments and the next scheduled update.

    Three small queries: the round, its amendments and the manual. The page lists every amendment of the
    round (or counts the rest), so they are counted from those rows rather than by a grouped join over
    every round's amendments.
    """
    update_round = UpdateRound.objects.published().order_by("-published_at").first()
    amendments = []
    if update_round is not None:
        amendments = list(
            Amendment.objects.filter(update_round=update_round).select_related("chapter").order_by("position", "id")
        )
        for amendment in amendments:
            amendment.update_round = update_round
    new_chapters = sum(1 for amendment in amendments if amendment.kind == AmendmentKind.NEW)
    return HomeBlock(
        update_round=update_round,
        amendments=amendments,
        new_chapters=new_chapters,
        updated_chapters=len(amendments) - new_chapters,
        next_update=read_singleton(Manual).next_update,
    )


def amendments_published_in(
    *, windows: list[tuple[datetime | None, datetime]] = (), round_ids: list[int] = ()
) -> list[Amendment]:
    """Published amendments whose round went live in any of ``windows`` ([start, end); a start of None
    means from the first round) or that belong to one of the published rounds ``round_ids``.

    One query however many windows and rounds, oldest round first; the caller sorts them out by
    ``amendment.update_round``.
    """
    condition = Q()
    for start, end in windows:
        window = Q(update_round__published_at__lt=end)
        if start is not None:
            window &= Q(update_round__published_at__gte=start)
        condition |= window
    if round_ids:
        condition |= Q(update_round_id__in=list(round_ids))
    if not condition:
        return []
    return list(
        Amendment.objects.published()
        .filter(condition)
        .select_related("chapter", "update_round")
        .order_by("update_round__published_at", "position", "id")
    )


def rounds_for_choosing():
    """Published rounds, newest first, for other apps' pickers (e.g. a newsletter's procedures block)."""
    return UpdateRound.objects.published().order_by("-published_at")


# ------------------------------------------------------------------ contents


def contents(update_round: UpdateRound | None = None) -> list[Section]:
    """Sections with their current chapters (``section.listed``), each chapter marked "new" or "amended"
    (``chapter.mark``) when the latest round, or ``update_round``, changed it. Three queries."""
    chapters = Chapter.objects.current().select_related("current_version").order_by("position", "title")
    sections = [
        section
        for section in Section.objects.prefetch_related(Prefetch("chapters", queryset=chapters, to_attr="listed"))
        if section.listed
    ]
    marks: dict[int, str] = {}
    if update_round is not None:
        for chapter_id, kind in update_round.amendments.values_list("chapter_id", "kind"):
            if kind == AmendmentKind.NEW:
                marks[chapter_id] = "new"
            elif kind in (AmendmentKind.UPDATED, AmendmentKind.RENAMED):
                marks[chapter_id] = "amended"
    for section in sections:
        for chapter in section.listed:
            chapter.mark = marks.get(chapter.pk, "")
    return sections


def archived_chapters():
    return Chapter.objects.archived().select_related("section", "current_version__update_round").order_by("title")


# ------------------------------------------------------------------ chapters


# Columns of a version that only search reads.
SEARCH_ONLY_FIELDS = ("body_text", "headings_text", "old_titles", "search_vector")


def chapter_by_slug(slug: str) -> tuple[Chapter | None, Chapter | None]:
    """(chapter, None) for a published chapter's address, (None, chapter) for an old address to redirect.

    One query: the chapter with its section, the text in force and its last amendment, each with its round. The text
    comes without its search columns (plain text, headings, old titles, tsvector), which the pages never show and
    which would otherwise double what each request reads; the slug is unique, so no sort.
    """
    chapter = (
        Chapter.objects.published()
        .select_related("section", "current_version__update_round", "last_amendment__update_round")
        .defer(*(f"current_version__{name}" for name in SEARCH_ONLY_FIELDS))
        .filter(slug=slug)
        .order_by()
    )
    if found := chapter.first():
        return found, None
    old = ChapterVersion.objects.published().filter(
        slug=slug, chapter__status__in=[ChapterStatus.CURRENT, ChapterStatus.ARCHIVED]
    )
    version = old.select_related("chapter").order_by("-update_round__published_at").first()
    return None, version.chapter if version else None


def related_chapters(chapter: Chapter) -> list[Chapter]:
    return list(chapter.related.current().only("title", "slug").order_by("title"))


def glossary_linker() -> GlossaryLinker:
    """What links glossary terms in chapters: the terms marked for it, with their pattern (one query)."""
    return GlossaryLinker(GlossaryTerm.objects.filter(link_in_chapters=True).only("term", "slug", "also_known_as"))


def chapter_history(chapter: Chapter) -> list[ChapterVersion]:
    """Every published version of the chapter, newest first, each with the amendment that published it."""
    versions = list(chapter.versions.published().select_related("update_round").order_by("-number"))
    amendments = {
        amendment.update_round_id: amendment for amendment in Amendment.objects.published().filter(chapter=chapter)
    }
    for version in versions:
        version.amendment = amendments.get(version.update_round_id)
    return versions


def version_as_at(chapter: Chapter, day) -> ChapterVersion | None:
    """The version of the chapter in force at the end of ``day`` (a date), or None if not yet published."""
    end_of_day = timezone.make_aware(datetime.combine(day, time.max))
    return ChapterVersion.objects.in_force(end_of_day).filter(chapter=chapter).select_related("update_round").first()


# ------------------------------------------------------------------ previews of an unpublished round


@dataclass(frozen=True)
class RoundPreview:
    update_round: UpdateRound  # with the publication time and address it would have now
    amendments: list[Amendment]  # each chapter as the round would leave it (title, address, status)
    texts: dict[int, ChapterVersion]  # the round's texts by chapter
    groups: list[AmendmentGroup]


def round_preview(update_round: UpdateRound) -> RoundPreview:
    """The round as readers would see it if it were published now: its amendments tables with each chapter's
    new title and address, and each chapter's text. Two queries. Nothing is saved."""
    now = timezone.now()
    update_round = copy(update_round)  # the caller's round is left as it is
    texts = {version.chapter_id: version for version in update_round.versions.all()}
    amendments = list(
        update_round.amendments.select_related("chapter__section", "chapter__current_version").order_by(
            "position", "id"
        )
    )
    if not update_round.is_published:
        update_round.published_at = now
        update_round.slug = update_round.slug or update_round.free_slug()
    for amendment in amendments:
        chapter, text = amendment.chapter, texts.get(amendment.chapter_id)
        amendment.update_round = update_round
        if amendment.kind != AmendmentKind.NEW:
            amendment.previous_title = chapter.title
        if text is not None:
            chapter.title, chapter.slug = text.title, text.slug or chapter.slug
        if amendment.kind == AmendmentKind.ARCHIVED:
            chapter.status = ChapterStatus.ARCHIVED
        elif chapter.status == ChapterStatus.DRAFT:
            chapter.status = ChapterStatus.CURRENT
        chapter.updated_at = now
    return RoundPreview(
        update_round=update_round, amendments=amendments, texts=texts, groups=group_amendments(amendments)
    )
