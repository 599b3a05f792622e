"""Procedures on the procedure editors' desk: the open update round and the chapter texts drafted in it.
Registered with the base's desk (``core.desk``) from ``ProceduresConfig.ready()``.
"""

from django.db.models import Count
from django.urls import reverse

from lscb_portal.core import desk
from lscb_portal.core.wording import counted

from .models import ChapterStatus, ChapterVersion, UpdateRound

AREA = "procedures"
SHOWN = 8


def open_update_round(request) -> desk.PanelContent:
    rounds = list(
        UpdateRound.objects.drafts()
        .annotate(amendment_count=Count("amendments", distinct=True), text_count=Count("versions", distinct=True))
        .order_by("-created_at")[:2]
    )
    if not rounds:
        return desk.PanelContent(
            count=0, empty="No update round is open. Start one when the review group has agreed the changes."
        )
    current = rounds[0]
    texts = ChapterVersion.objects.filter(update_round=current).select_related("chapter").order_by("title", "pk")
    summary = (
        f"“{current.title}”: {counted(current.amendment_count, 'amendment')} and "
        f"{counted(current.text_count, 'chapter text')} drafted, not yet published."
    )
    if len(rounds) > 1:
        summary += " Another round is unpublished too."
    return desk.PanelContent(
        count=current.text_count,
        summary=summary,
        items=[
            desk.DeskItem(
                text=version.title,
                url=reverse("admin:procedures_chapterversion_change", args=[version.pk]),
                detail="new chapter"
                if version.chapter.status == ChapterStatus.DRAFT
                else f"amends “{version.chapter.title}”",
            )
            for version in texts[:SHOWN]
        ],
        link=desk.DeskItem(
            text=f"Open “{current.title}”", url=reverse("admin:procedures_updateround_change", args=[current.pk])
        ),
    )


def register() -> None:
    desk.register_panel(
        desk.Panel(
            area=AREA,
            key="open-round",
            title="The open update round",
            permission="procedures.change_updateround",
            build=open_update_round,
        )
    )
    desk.register_tasks(
        desk.Task(AREA, "Start an update round", "admin:procedures_updateround_add", "procedures.add_updateround"),
        desk.Task(AREA, "Update rounds", "admin:procedures_updateround_changelist", "procedures.view_updateround",
                  "Amendments, chapter texts and publishing"),
        desk.Task(AREA, "Chapters", "admin:procedures_chapter_changelist", "procedures.view_chapter",
                  "Start drafts of chapters in the open round"),
        desk.Task(AREA, "Chapter texts", "admin:procedures_chapterversion_changelist",
                  "procedures.view_chapterversion"),
        desk.Task(AREA, "Glossary", "admin:procedures_glossaryterm_changelist", "procedures.view_glossaryterm"),
        desk.Task(AREA, "The manual's details", "admin:procedures_manual_changelist", "procedures.change_manual",
                  "Title, introduction and when the next update is due"),
    )  # fmt: skip
