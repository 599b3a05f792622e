"""Writes that keep the manual's rules. Views, admin actions and demo data call these."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import slugify

from lscb_portal.core import codes
from lscb_portal.core.errors import Refused
from lscb_portal.core.links import free_slug

from .models import (
    KINDS_WITH_TEXT,
    RESERVED_SLUGS,
    Amendment,
    AmendmentKind,
    Chapter,
    ChapterStatus,
    ChapterVersion,
    Manual,
    UpdateRound,
    validate_chapter_slug,
)

UPDATES_LIST = "procedures.updates"


def new_print_code() -> str:
    return codes.new_code(taken=lambda code: ChapterVersion.objects.filter(print_code=code).exists())


NO_ADDRESS = "Enter the last part of the chapter’s web address, for example “sexual-abuse”."


def _address_clashes(update_round: UpdateRound, slugs: dict[str, int | None], *, in_round: bool = True) -> dict:
    """For each address in ``slugs`` (address: the chapter that would take it) that another chapter holds,
    why it cannot be used: another chapter's address now, an earlier address that still redirects to
    another chapter, or (with ``in_round``) another chapter's text in the same round. Three queries."""
    clashes: dict[str, str] = {}
    if not slugs:
        return clashes
    for slug, chapter_id, title in Chapter.objects.filter(slug__in=slugs).values_list("slug", "pk", "title"):
        if slugs[slug] != chapter_id:
            clashes[slug] = f"The web address “{slug}” belongs to “{title}”. Choose another."
    earlier = ChapterVersion.objects.published().filter(slug__in=slugs).order_by("chapter__title")
    for slug, chapter_id, title in earlier.values_list("slug", "chapter_id", "chapter__title"):
        if slugs[slug] != chapter_id:
            clashes.setdefault(
                slug, f"The web address “{slug}” was used by “{title}” and still leads there. Choose another."
            )
    if in_round:
        drafts = ChapterVersion.objects.filter(update_round=update_round, slug__in=slugs).order_by()
        for slug, chapter_id in drafts.values_list("slug", "chapter_id"):
            if slugs[slug] != chapter_id:
                clashes.setdefault(
                    slug, f"Another chapter in this round uses the web address “{slug}”. Choose another."
                )
    return clashes


def check_address(*, update_round: UpdateRound, chapter: Chapter | None, slug: str) -> None:
    """Refuse (beside the ``slug`` field) an address that publishing the round would refuse.

    ``chapter`` is None for a chapter not created yet. Called when a chapter's text is saved, so the editor
    hears of a clash at once rather than on publication day.
    """
    if not slug:
        raise Refused(NO_ADDRESS, field="slug")
    try:
        validate_chapter_slug(slug)
    except ValidationError as error:
        raise Refused(error.messages, field="slug") from error
    clash = _address_clashes(update_round, {slug: chapter.pk if chapter else None}).get(slug)
    if clash:
        raise Refused(clash, field="slug")


def check_details(details: str | None) -> None:
    """Refuse a line of a round with no details of amends: readers and subscribers are told what changed."""
    if not (details or "").strip():
        raise Refused(
            "Enter the details of the amends: what changed and what practitioners should do.", field="details"
        )


def free_address(*, title: str, update_round: UpdateRound, chapter: Chapter | None = None) -> str:
    """An address made from ``title`` that no other chapter holds (``neglect``, else ``neglect-2``, …): the
    addresses ``_address_clashes`` refuses, read once for every candidate. Three queries."""
    base = slugify(title)[:190].strip("-") or "chapter"
    if base in RESERVED_SLUGS:
        base = f"{base}-chapter"
    chapter_id = chapter.pk if chapter else None
    holders = [
        Chapter.objects.exclude(pk=chapter_id),
        ChapterVersion.objects.published().exclude(chapter_id=chapter_id),
        ChapterVersion.objects.filter(update_round=update_round).exclude(chapter_id=chapter_id),
    ]
    taken = {slug for rows in holders for slug in rows.filter(slug__startswith=base).values_list("slug", flat=True)}
    return free_slug(base, taken)


@transaction.atomic
def draft_start(*, chapter: Chapter, update_round: UpdateRound) -> ChapterVersion:
    """A draft of ``chapter`` in ``update_round``, starting from the text in force (or empty)."""
    if update_round.is_published:
        raise Refused(f"“{update_round}” has been published: start a new update round for more changes.")
    existing = ChapterVersion.objects.filter(chapter=chapter, update_round=update_round).first()
    if existing:
        return existing
    source = chapter.current_version
    version = ChapterVersion(chapter=chapter, update_round=update_round)
    if source:
        for field in ("title", "slug", "summary", "body", "key_words"):
            setattr(version, field, getattr(source, field))
    else:
        version.title = chapter.title
        version.slug = free_address(title=chapter.title, update_round=update_round, chapter=chapter)
    version.full_clean()
    version.save()
    return version


def _line_problems(kind: str, chapter: Chapter | None, title: str | None) -> list[tuple[str, str]]:
    """What is wrong with one line of a round (kind, chapter, the title of its new text or None), as (the form
    field it belongs to, message): checked when the line is saved and again when the round is published."""
    problems = []
    name = chapter.title if chapter is not None else title
    published = chapter is not None and chapter.status != ChapterStatus.DRAFT
    if kind == AmendmentKind.NEW and published:
        problems.append(("kind", f"“{name}” is already published, so it cannot be a new chapter."))
    if kind != AmendmentKind.NEW and not published:
        problems.append(("kind", f"“{name or 'This chapter'}” has never been published: mark it as a new chapter."))
    if kind == AmendmentKind.ARCHIVED and published and chapter.status != ChapterStatus.CURRENT:
        problems.append(("kind", f"“{name}” is not current, so it cannot be archived."))
    retitled = published and title is not None and title != chapter.title
    if kind == AmendmentKind.RENAMED and published and title is not None and not retitled:
        problems.append(("title", f"“{name}” is marked as renamed but its title has not changed."))
    if kind in (AmendmentKind.UPDATED, AmendmentKind.REVIEWED, AmendmentKind.ARCHIVED) and retitled:
        problems.append(("title", f"“{name}” has a new title (“{title}”): mark the amendment as renamed."))
    return problems


@transaction.atomic
def round_chapter_add(*, chapter: Chapter, update_round: UpdateRound) -> Amendment:
    """Put ``chapter`` in the round (``Start a draft``): its text, started from the text in force, and its line
    in the round's tables, marked new or updated, whose details of amends the editor then writes."""
    draft_start(chapter=chapter, update_round=update_round)
    kind = AmendmentKind.NEW if chapter.status == ChapterStatus.DRAFT else AmendmentKind.UPDATED
    position = update_round.amendments.count() + 1
    amendment, _ = Amendment.objects.get_or_create(
        update_round=update_round, chapter=chapter, defaults={"kind": kind, "details": "", "position": position}
    )
    return amendment


def _validate(update_round: UpdateRound, at: datetime, amendments: list[Amendment], versions: dict) -> list[str]:
    errors: list[str] = []
    if at > timezone.now() + timedelta(minutes=1):
        errors.append("The publication time is in the future. Publish the round when it is ready.")
    latest = UpdateRound.objects.published().exclude(pk=update_round.pk).order_by("-published_at").first()
    if latest and at < latest.published_at:
        errors.append(f"The publication time is before “{latest}”, the latest round published.")
    if not amendments:
        errors.append("Add at least one amendment: a round tells practitioners what changed.")
    amended = {amendment.chapter_id for amendment in amendments}
    for version in versions.values():
        if version.chapter_id not in amended:
            errors.append(f"“{version.title}” has a new text but no amendment saying what changed.")
    slugs: dict[str, int] = {}
    for amendment in amendments:
        chapter, version, name = amendment.chapter, versions.get(amendment.chapter_id), amendment.chapter.title
        if amendment.kind in KINDS_WITH_TEXT and version is None:
            errors.append(f"“{name}”: add the chapter's new text to this round ({amendment.get_kind_display()}).")
        if not amendment.details.strip():
            errors.append(f"“{name}”: enter the details of the amends, saying what changed.")
        errors.extend(
            message for _field, message in _line_problems(amendment.kind, chapter, version.title if version else None)
        )
        if version is None:
            continue
        archived = version.status == ChapterStatus.ARCHIVED
        if archived != (amendment.kind == AmendmentKind.ARCHIVED):
            errors.append(f"“{version.title}”: only an “archived” amendment can withdraw a chapter, and it must.")
        if not version.slug:
            errors.append(f"“{version.title}” has no web address: enter the last part of its address on its text.")
            continue
        if version.slug in slugs:
            errors.append(f"Two chapters in this round use the web address “{version.slug}”.")
        slugs[version.slug] = chapter.pk
    errors.extend(_address_clashes(update_round, slugs, in_round=False).values())
    return errors


@transaction.atomic
def round_publish(*, update_round: UpdateRound, at: datetime | None = None) -> UpdateRound:
    """Make every chapter version and amendment of the round live together, then tell subscribers.

    Publications are serialised on the manual's row: two editors publishing at
    once cannot interleave, so each chapter's pointers, version numbers and the
    order of rounds stay consistent. Either everything in the round goes live
    or nothing does (the refusal lists every problem found).
    """
    at = at or timezone.now()
    manual = Manual.get_solo()
    Manual.objects.select_for_update().get(pk=manual.pk)
    UpdateRound.objects.select_for_update().get(pk=update_round.pk)
    update_round.refresh_from_db()
    if update_round.is_published:
        raise Refused(f"“{update_round}” was already published.")

    amendments = list(update_round.amendments.select_related("chapter").select_for_update(of=("self", "chapter")))
    versions = {version.chapter_id: version for version in update_round.versions.all()}
    errors = _validate(update_round, at, amendments, versions)
    if errors:
        raise Refused(errors)

    numbers = dict(
        ChapterVersion.objects.published()
        .filter(chapter__in=[amendment.chapter_id for amendment in amendments])
        .values_list("chapter_id")
        .annotate(last=Max("number"))
    )
    for amendment in amendments:
        chapter = amendment.chapter
        version = versions.get(chapter.pk)
        if version is None and amendment.kind == AmendmentKind.ARCHIVED:
            version = _archived_copy(chapter, update_round)
        if amendment.kind != AmendmentKind.NEW:
            amendment.previous_title = chapter.title
            amendment.save(update_fields=["previous_title"])
        chapter.last_amendment = amendment
        if version is None:  # reviewed, no change: the text in force stays
            chapter.save(update_fields=["last_amendment"])
            continue
        old_titles = set(chapter.versions.published().exclude(title=version.title).values_list("title", flat=True))
        version.number = numbers.get(chapter.pk, 0) + 1
        version.print_code = new_print_code()
        version.old_titles = "\n".join(sorted(old_titles))
        version.save()
        chapter.title, chapter.slug, chapter.status = version.title, version.slug, version.status
        chapter.current_version = version
        chapter.updated_at = at
        chapter.save(update_fields=["title", "slug", "status", "current_version", "last_amendment", "updated_at"])

    update_round.published_at = at
    update_round.save(update_fields=["published_at"])
    _notify_subscribers(update_round, amendments)
    return update_round


def _archived_copy(chapter: Chapter, update_round: UpdateRound) -> ChapterVersion:
    source = chapter.current_version
    version = ChapterVersion(
        chapter=chapter,
        update_round=update_round,
        title=source.title,
        slug=source.slug,
        summary=source.summary,
        body=source.body,
        key_words=source.key_words,
        status=ChapterStatus.ARCHIVED,
    )
    version.save()
    return version


def _notify_subscribers(update_round: UpdateRound, amendments: list[Amendment]) -> int:
    from lscb_portal.core.subscriptions import notify

    from .emails import round_email

    def build(subscription):
        major_only = subscription.major_only
        listed = [amendment for amendment in amendments if amendment.major or not major_only]
        if not listed:
            return None
        return round_email(update_round=update_round, amendments=listed, major_only=major_only)

    return notify(list_key=UPDATES_LIST, event_key=f"procedures.round:{update_round.pk}", build=build)


# ------------------------------------------------------------------ the round composer


@dataclass(frozen=True)
class ChapterText:
    """What the editor typed for a chapter's text in a round; None keeps what the draft (or the text in force)
    already says."""

    title: str | None = None
    slug: str | None = None
    summary: str | None = None
    body: str | None = None
    key_words: str | None = None


@dataclass(frozen=True)
class _LinePlan:
    chapter: Chapter | None
    draft: ChapterVersion | None
    title: str
    slug: str


def _plan_line(
    *, update_round: UpdateRound, amendment: Amendment, chapter: Chapter | None, text: ChapterText, section
) -> _LinePlan:
    if update_round.is_published:
        raise Refused(f"“{update_round}” has been published: start a new update round for more changes.")
    kind = amendment.kind
    if chapter is None and kind != AmendmentKind.NEW:
        raise Refused("Choose the chapter this line is about.", field="chapter")
    if chapter is None and section is None:
        raise Refused("Choose the section the new chapter belongs in.", field="section")
    if chapter is not None:
        twice = Amendment.objects.filter(update_round=update_round, chapter=chapter).exclude(pk=amendment.pk)
        if twice.exists():
            raise Refused(f"“{chapter.title}” is already in this round: change its line instead.", field="chapter")
    check_details(amendment.details)
    draft = None
    if chapter is not None:
        draft = ChapterVersion.objects.filter(update_round=update_round, chapter=chapter).first()
    title = (text.title or "").strip() or (draft.title if draft else "") or (chapter.title if chapter else "")
    if kind == AmendmentKind.RENAMED and not (text.title or "").strip():
        raise Refused("Enter the chapter's new title.", field="title")
    if not title:
        raise Refused("Enter the new chapter's title.", field="title")
    with_text = kind in KINDS_WITH_TEXT
    if problems := _line_problems(kind, chapter, title if with_text else None):
        field, message = problems[0]
        raise Refused(message, field=field)
    slug = ""
    if with_text:
        slug = (text.slug or "").strip()
        old_address = chapter.slug if chapter is not None else None
        if kind == AmendmentKind.RENAMED and (not slug or slug == old_address):
            # A rename takes an address from the new title; the old one keeps leading to the chapter.
            slug = free_address(title=title, update_round=update_round, chapter=chapter)
        elif not slug and draft is not None:
            slug = draft.slug
        elif not slug and kind == AmendmentKind.NEW:
            slug = free_address(title=title, update_round=update_round, chapter=chapter)
        elif not slug:
            slug = old_address or ""
        check_address(update_round=update_round, chapter=chapter, slug=slug)
    return _LinePlan(chapter=chapter, draft=draft, title=title, slug=slug)


def round_line_check(
    *, update_round: UpdateRound, amendment: Amendment, chapter: Chapter | None, text: ChapterText, section=None
) -> None:
    """Refuse, beside the field concerned, a line of a round that publishing would refuse."""
    _plan_line(update_round=update_round, amendment=amendment, chapter=chapter, text=text, section=section)


@transaction.atomic
def round_line_save(
    *, update_round: UpdateRound, amendment: Amendment, chapter: Chapter | None, text: ChapterText, section=None
) -> Amendment:
    """Save one line of a round from the composer: the amendment and, for new, updated and renamed chapters,
    the chapter's text in the round (started from the text in force). A new chapter with no chapter chosen is
    created in ``section``. A line that keeps the text in force (reviewed, withdrawn) has no text of its own:
    publication copies the text in force for a withdrawn chapter."""
    plan = _plan_line(update_round=update_round, amendment=amendment, chapter=chapter, text=text, section=section)
    chapter = plan.chapter
    if chapter is None:
        chapter = Chapter.objects.create(section=section, title=plan.title)
    elif chapter.status == ChapterStatus.DRAFT and chapter.title != plan.title:
        chapter.title = plan.title  # a new chapter's working title follows its text
        chapter.save(update_fields=["title"])
    amendment.update_round, amendment.chapter = update_round, chapter
    if amendment.pk is None and not amendment.position:
        amendment.position = update_round.amendments.count() + 1  # a new row goes to the end of the tables
    amendment.save()
    draft = plan.draft
    if amendment.kind not in KINDS_WITH_TEXT:
        if draft is not None:
            draft.delete()
        return amendment
    if draft is None:
        draft = draft_start(chapter=chapter, update_round=update_round)
    draft.title, draft.slug, draft.status = plan.title, plan.slug, ChapterStatus.CURRENT
    for name in ("summary", "body", "key_words"):
        if getattr(text, name) is not None:
            setattr(draft, name, getattr(text, name))
    draft.full_clean(exclude=["chapter", "update_round"])
    draft.save()
    return amendment


@transaction.atomic
def round_line_remove(*, amendment: Amendment) -> None:
    """Take a chapter out of an unpublished round: its line and its text in the round."""
    if amendment.update_round.is_published:
        raise Refused("A published round's lines stay: correct their details instead.")
    ChapterVersion.objects.filter(update_round_id=amendment.update_round_id, chapter_id=amendment.chapter_id).delete()
    amendment.delete()


@transaction.atomic
def amendment_correct(*, amendment: Amendment, details: str, sections_affected: str) -> Amendment:
    """Correct what a published round says about a chapter (a typo in its details of amends).

    Nobody is emailed again; the history keeps what it said before.
    """
    check_details(details)
    amendment.details, amendment.sections_affected = details.strip(), (sections_affected or "").strip()
    amendment.save(update_fields=["details", "sections_affected"])
    # The round's history says so; the amendment's own history keeps both texts.
    update_round = amendment.update_round
    update_round._change_reason = f"Details of amends corrected for “{amendment.chapter.title}”"[:90] + " (no emails)"
    update_round.save(update_fields=["title"])
    return amendment


def round_problems(update_round: UpdateRound) -> list[str]:
    """Everything publishing the round now would refuse (for its confirmation page); nothing is locked."""
    amendments = list(update_round.amendments.select_related("chapter"))
    versions = {version.chapter_id: version for version in update_round.versions.all()}
    return _validate(update_round, timezone.now(), amendments, versions)


@dataclass(frozen=True)
class RoundAudience:
    emailed: int  # subscribers emailed at once
    weekly: int  # subscribers who see it in their weekly digest
    major_only_skipped: int  # subscribers who asked for major changes only, and the round has none


def round_audience(update_round: UpdateRound) -> RoundAudience:
    """Who hears of the round when it is published (for its confirmation page). Two queries."""
    from lscb_portal.core.models import Frequency, Subscription

    has_major = update_round.amendments.filter(major=True).exists()
    counts = {
        (frequency, major_only): count
        for frequency, major_only, count in Subscription.objects.filter(
            list_key=UPDATES_LIST, subscriber__confirmed_at__isnull=False
        )
        .values_list("frequency", "major_only")
        .annotate(count=Count("pk"))
        .values_list("frequency", "major_only", "count")
    }
    now_all = counts.get((Frequency.IMMEDIATE, False), 0)
    now_major = counts.get((Frequency.IMMEDIATE, True), 0)
    weekly = counts.get((Frequency.WEEKLY, False), 0) + (counts.get((Frequency.WEEKLY, True), 0) if has_major else 0)
    return RoundAudience(
        emailed=now_all + (now_major if has_major else 0),
        weekly=weekly,
        major_only_skipped=0 if has_major else now_major + counts.get((Frequency.WEEKLY, True), 0),
    )
