"""The round composer's own pages in the back office: previews of an unpublished round exactly as readers
will see it (its amendments tables and each chapter's text, through the public templates), and the
confirmation page that publishes it. Registered by ``admin.UpdateRoundAdmin.get_urls``."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lscb_portal.core.admin_confirm import Button, Confirmation, Fact, confirmation_response
from lscb_portal.core.errors import Refused
from lscb_portal.core.links import absolute_url
from lscb_portal.core.subscriptions.sending import existing_dedupe_keys
from lscb_portal.core.wording import counted, subscribers_emailed

from . import selectors, services
from .models import AmendmentKind
from .views import chapter_page, chapter_reading, round_tables


def _round(model_admin, request, object_id, *, change: bool):
    update_round = model_admin.get_object(request, unquote(object_id))
    if update_round is None:
        raise Http404("No update round has this address.")
    allowed = model_admin.has_change_permission if change else model_admin.has_view_permission
    if not allowed(request, update_round):
        raise PermissionDenied
    return update_round


def _change_url(update_round) -> str:
    return reverse("admin:procedures_updateround_change", args=[update_round.pk])


def _noindex(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def preview_round(model_admin, request, object_id):
    """The round's amendments tables as its public page will show them, linking to each chapter's preview."""
    update_round = _round(model_admin, request, object_id, change=False)
    if update_round.is_published:
        return HttpResponseRedirect(update_round.get_absolute_url())
    preview = selectors.round_preview(update_round)
    for amendment in preview.amendments:
        url = reverse("admin:procedures_updateround_preview_chapter", args=[update_round.pk, amendment.chapter_id])
        amendment.chapter.get_absolute_url = lambda url=url: url
    context = {
        "day": timezone.localdate(preview.update_round.published_at),
        "rounds": [(preview.update_round, round_tables(preview.update_round, preview.groups))],
        "preview": True,
        "edit_url": _change_url(update_round),
    }
    return _noindex(render(request, "procedures/round.html", context))


def preview_chapter(model_admin, request, object_id, chapter_id):
    """A chapter as the round would publish it: its new text, or the text in force for one withdrawn."""
    update_round = _round(model_admin, request, object_id, change=False)
    if update_round.is_published:
        return HttpResponseRedirect(update_round.get_absolute_url())
    preview = selectors.round_preview(update_round)
    amendment = next((line for line in preview.amendments if line.chapter_id == chapter_id), None)
    if amendment is None:
        raise Http404("This chapter is not in the round.")
    chapter, current = amendment.chapter, amendment.chapter.current_version
    version = preview.texts.get(chapter_id)
    if version is None or amendment.kind in (AmendmentKind.REVIEWED, AmendmentKind.ARCHIVED):
        version = current  # the text in force stays (withdrawn: kept for reference)
    else:
        version.update_round = update_round
        version.number = current.number + 1 if current else 1
    if version is None:
        raise Http404("This chapter has no text yet.")
    chapter.slug = chapter.slug or version.slug or "chapter"
    context = {
        **chapter_page(
            chapter_reading(chapter, version, amendment, selectors.related_chapters(chapter)),
            selectors.glossary_linker(),
        ),
        "as_at_form": None,
        "preview": True,
        "edit_url": _change_url(update_round),
        "round_preview_url": reverse("admin:procedures_updateround_preview", args=[update_round.pk]),
    }
    return _noindex(render(request, "procedures/chapter.html", context))


def _line_text(amendment) -> str:
    chapter = amendment.chapter
    if amendment.kind == AmendmentKind.RENAMED:
        return f"{amendment.previous_title} → {chapter.title}: renamed and updated"
    return f"{chapter.title}: {amendment.get_kind_display().lower()}"


def _confirmation(update_round, form) -> Confirmation:
    preview = selectors.round_preview(update_round)
    audience = services.round_audience(update_round)
    problems = services.round_problems(update_round)
    major = sum(1 for amendment in preview.amendments if amendment.major)
    if audience.emailed or audience.weekly:
        emails = (
            f"{counted(audience.emailed, 'subscriber')} to procedure updates "
            f"{'is' if audience.emailed == 1 else 'are'} emailed once, now, listing the chapters; "
            f"{counted(audience.weekly, 'more subscriber')} {'sees' if audience.weekly == 1 else 'see'} it in their "
            "weekly digest."
        )
    else:
        emails = "Nobody: no one has subscribed to procedure updates yet."
    if audience.major_only_skipped:
        emails += (
            f" {counted(audience.major_only_skipped, 'subscriber')} who asked for major changes only "
            f"{'is' if audience.major_only_skipped == 1 else 'are'} not emailed: no change in this round is major."
        )
    warnings = list(problems)
    if problems:
        warnings.append("Correct these on the round's page first: publishing now would be refused.")
    return Confirmation(
        obj=update_round,
        title=f"Publish “{update_round.title}”",
        lead="Check what will happen, then publish. Every chapter in the round goes live at the same moment.",
        facts=[
            Fact(
                "Chapters",
                f"{counted(len(preview.amendments), 'chapter')}, {major} marked as a major change",
                items=[_line_text(amendment) for amendment in preview.amendments],
            ),
            Fact("The round's page", absolute_url(preview.update_round.get_absolute_url())),
            Fact("Emails", emails),
            Fact(
                "Afterwards",
                "The chapters and the round cannot be changed; the details of amends can still be corrected, "
                "without emailing anyone again. Renamed chapters' old addresses lead to their new ones.",
            ),
        ],
        warnings=warnings,
        form=form,
        buttons=[] if problems else [Button("_publish", "Publish the round now")],
        back_url=_change_url(update_round),
        back_label="Go back to the round without publishing",
    )


def publish(model_admin, request, object_id):
    """The confirmation page: what publishing the round will do and who is emailed; publishing on POST."""
    update_round = _round(model_admin, request, object_id, change=True)
    if update_round.is_published:
        messages.info(request, f"“{update_round}” is already published.")
        return HttpResponseRedirect(_change_url(update_round))
    form = forms.Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_publish(update_round=update_round)
        except Refused as refused:
            form.add_error(None, refused)
        else:
            emailed = len(existing_dedupe_keys(f"procedures.round:{update_round.pk}:"))
            told = subscribers_emailed(emailed) if emailed else "Nobody was emailed."
            messages.success(request, f"“{update_round}” is published. {told}")
            return HttpResponseRedirect(_change_url(update_round))
    return confirmation_response(request, model_admin, _confirmation(update_round, form))
