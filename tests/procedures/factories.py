import factory
from django.utils import timezone

from procedures.models import (
    Amendment,
    AmendmentKind,
    Chapter,
    ChapterVersion,
    GlossaryTerm,
    Section,
    UpdateRound,
)
from procedures.services import round_publish


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    title = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(int)


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Chapter {n}")
    position = factory.Sequence(int)


class UpdateRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpdateRound

    title = factory.Sequence(lambda n: f"Update round {n}")


class ChapterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterVersion

    chapter = factory.SubFactory(ChapterFactory)
    update_round = factory.SubFactory(UpdateRoundFactory)
    title = factory.LazyAttribute(lambda version: version.chapter.title)
    slug = factory.Sequence(lambda n: f"chapter-{n}")
    summary = "What to do and who to tell."
    body = "<h2>Introduction</h2><p>This chapter explains what practitioners must do.</p>"


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    update_round = factory.SubFactory(UpdateRoundFactory)
    chapter = factory.SubFactory(ChapterFactory)
    kind = AmendmentKind.UPDATED
    details = "This chapter has been reviewed and updated."


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    term = factory.Sequence(lambda n: f"Term {n}")
    slug = factory.Sequence(lambda n: f"term-{n}")
    definition = "What the term means."


def publish_new_chapter(*, title="Neglect", slug=None, body=None, section=None, at=None, update_round=None, **kwargs):
    """A chapter published by its own round (or by ``update_round``, left for the caller to publish)."""
    chapter = ChapterFactory(title=title, **({"section": section} if section else {}))
    own_round = update_round is None
    update_round = update_round or UpdateRoundFactory()
    version_kwargs = {"slug": slug or title.lower().replace(" ", "-")}
    if body is not None:
        version_kwargs["body"] = body
    ChapterVersionFactory(chapter=chapter, update_round=update_round, title=title, **version_kwargs, **kwargs)
    AmendmentFactory(update_round=update_round, chapter=chapter, kind=AmendmentKind.NEW, details="New chapter.")
    if own_round:
        round_publish(update_round=update_round, at=at or timezone.now())
        chapter.refresh_from_db()
    return chapter


def publish_change(
    chapter, *, kind=AmendmentKind.UPDATED, at=None, details="Section 2 has been updated.", major=False, **fields
):
    """A round that changes ``chapter`` (new text from ``fields``), published at ``at``."""
    update_round = UpdateRoundFactory()
    current = chapter.current_version
    values = {
        "title": current.title,
        "slug": current.slug,
        "summary": current.summary,
        "body": current.body,
        "key_words": current.key_words,
        **fields,
    }
    ChapterVersionFactory(chapter=chapter, update_round=update_round, **values)
    AmendmentFactory(update_round=update_round, chapter=chapter, kind=kind, details=details, major=major)
    round_publish(update_round=update_round, at=at or timezone.now())
    chapter.refresh_from_db()
    return update_round
