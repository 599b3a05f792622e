"""The code printed at the foot of every chapter, and what it says now: still current, or what has changed."""

from dataclasses import dataclass

from lscb_portal.core.codes import format_code, normalise_code  # noqa: F401  (what the views and forms use)

from .models import Amendment, Chapter, ChapterStatus, ChapterVersion


@dataclass(frozen=True)
class PrintCheck:
    version: ChapterVersion
    chapter: Chapter
    is_current: bool
    later: list  # amendments to the chapter published since the printed version


def print_check(code: str) -> PrintCheck | None:
    """What a code printed at the foot of a chapter says now: current, or what has changed since."""
    code = normalise_code(code)
    if not code:
        return None
    version = (
        ChapterVersion.objects.published().select_related("chapter", "update_round").filter(print_code=code).first()
    )
    if version is None:
        return None
    chapter = version.chapter
    is_current = chapter.current_version_id == version.pk and chapter.status == ChapterStatus.CURRENT
    later = list(
        Amendment.objects.published()
        .filter(chapter=chapter, update_round__published_at__gt=version.update_round.published_at)
        .select_related("update_round")
        .order_by("update_round__published_at")
    )
    return PrintCheck(version=version, chapter=chapter, is_current=is_current, later=later)
