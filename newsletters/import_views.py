"""The back office's importer: upload newsletter files, see how each is split, adjust, create the issues.

Two admin pages (``IssueAdmin.get_urls``). The first reads the files (``importer.read``) and keeps what it
read in the editor's session; files it cannot read are named with the reason and the others go on. The
second shows each file's foreword and articles as they will be created, with every heading of the
document listed and the ones that start an article ticked: unticking merges an article into the one
before, ticking splits one at that heading. "Update the split" shows the result; "Create" calls
``services.issue_import`` for each file and nothing is saved before that.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from lscb_portal.core.errors import Refused
from lscb_portal.core.richtext import plain_text
from lscb_portal.core.wording import counted

from . import importer, services
from .forms import ImportIssueForm, ImportUploadForm
from .models import IssueDateShown, Series

SESSION_KEY = "newsletters_import"


def _context(model_admin, request, **extra) -> dict:
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, **extra}


def _check(model_admin, request) -> None:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied


def upload(model_admin, request):
    _check(model_admin, request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        series = form.cleaned_data["series"]
        readings, failed = [], []
        for upload in form.cleaned_data["files"]:
            try:
                readings.append(importer.read(upload.name, upload.read(importer.MAX_BYTES + 1)))
            except ValidationError as error:
                failed.append(" ".join(error.messages))
        for message in failed:
            messages.error(request, message)
        if readings:
            taken = set(series.issues.values_list("number", flat=True))
            request.session[SESSION_KEY] = {
                "series": series.pk,
                "archive": form.cleaned_data["archive"],
                "files": [_stored(reading, _free_number(reading.number, taken)) for reading in readings],
            }
            return HttpResponseRedirect(reverse("admin:newsletters_issue_import_review"))
    return TemplateResponse(
        request,
        "admin/newsletters/issue/import.html",
        _context(model_admin, request, title="Import newsletter files", form=form),
    )


def _free_number(printed: int | None, taken: set[int]) -> int:
    """The number printed in the file, or the next one free in the series and this upload (then taken)."""
    number = printed if printed and printed not in taken else max(taken, default=0) + 1
    taken.add(number)
    return number


def _stored(reading: importer.Reading, number: int) -> dict:
    when = reading.issue_date or timezone.localdate()
    return {
        "name": reading.name,
        "kind": reading.kind,
        "pieces": [piece.as_dict() for piece in reading.pieces],
        "starts": reading.starts,
        "title_piece": reading.title_piece,
        "contents": reading.contents,
        "initial": {
            "number": number,
            "title": reading.title or when.strftime("%B %Y"),
            "issue_date": when.isoformat(),
            "issue_date_shown": IssueDateShown.DAY if reading.date_is_day else IssueDateShown.MONTH,
        },
    }


def review(model_admin, request):
    _check(model_admin, request)
    state = request.session.get(SESSION_KEY)
    if not state:
        messages.warning(request, "Choose the newsletter files to import first.")
        return HttpResponseRedirect(reverse("admin:newsletters_issue_import"))
    series = Series.objects.filter(pk=state["series"]).first()
    if series is None:
        request.session.pop(SESSION_KEY, None)
        return HttpResponseRedirect(reverse("admin:newsletters_issue_import"))
    files = state["files"]
    posted = request.method == "POST"
    forms = [ImportIssueForm(request.POST if posted else None, prefix=f"file{index}", initial=item["initial"])
             for index, item in enumerate(files)]  # fmt: skip
    if posted:
        for index, item in enumerate(files):
            count = len(item["pieces"])
            item["starts"] = sorted({int(value) for value in request.POST.getlist(f"starts-{index}")
                                     if value.isdigit() and int(value) < count})  # fmt: skip
        request.session[SESSION_KEY] = state
    if posted and "_create" in request.POST and all(form.is_valid() for form in forms):
        created = _create(request, series, files, forms, archive=state["archive"])
        if created is not None:
            request.session.pop(SESSION_KEY, None)
            return created
    entries = [_entry(index, item, form) for index, (item, form) in enumerate(zip(files, forms, strict=True))]
    context = _context(
        model_admin, request, title="Check how each file is split", series=series, archive=state["archive"],
        entries=entries,
    )  # fmt: skip
    return TemplateResponse(request, "admin/newsletters/issue/import_review.html", context)


def _built(item: dict) -> importer.Built:
    pieces = [importer.Piece.from_dict(piece) for piece in item["pieces"]]
    return importer.build(pieces, item["starts"], title_piece=item["title_piece"])


def _entry(index: int, item: dict, form) -> dict:
    built = _built(item)
    starts = set(item["starts"])
    headings = [
        {
            "index": number,
            "heading": piece["heading"],
            "level": piece["level"],
            "starts": number in starts,
            "words": len(plain_text(piece["html"]).split()),
        }
        for number, piece in enumerate(item["pieces"])
        if piece["heading"]
    ]
    return {
        "index": index,
        "name": item["name"],
        "kind": item["kind"],
        "form": form,
        "contents": item["contents"],
        "foreword_words": len(plain_text(built.foreword).split()),
        "articles": [
            {
                "title": article.title,
                "words": len(plain_text(article.body).split()),
                "opening": " ".join(plain_text(article.body).split()[:30]),
                "tables": article.body.count("<table"),
            }
            for article in built.articles
        ],  # fmt: skip
        "headings": headings,
    }


def _create(request, series: Series, files: list[dict], forms, *, archive: bool):
    """Create every file's issue, or none: one refused file leaves the page with its message."""
    created = []
    chosen = [(item, form) for item, form in zip(files, forms, strict=True) if not form.cleaned_data["skip"]]
    if not chosen:
        messages.warning(request, "Every file is left out: nothing was created.")
        return None
    try:
        with transaction.atomic():
            for item, form in chosen:
                built = _built(item)
                data = form.cleaned_data
                try:
                    created.append(
                        services.issue_import(
                            series=series,
                            number=data["number"],
                            title=data["title"],
                            issue_date=data["issue_date"],
                            date_shown=data["issue_date_shown"],
                            foreword=built.foreword,
                            articles=built.articles,
                            archive=archive,
                        )
                    )
                except Refused as error:
                    form.add_error(None, error)
                    raise
    except ValidationError:
        messages.error(request, "Nothing was created: correct the file marked below.")
        return None
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:newsletters_issue_change", args=[i.pk]), i.label) for i in created),
    )
    done = "published under their own dates; nobody was emailed" if archive else "created as drafts"
    messages.success(request, format_html("{} {}: {}.", counted(len(created), "issue"), done, links))
    if len(created) == 1:
        return HttpResponseRedirect(reverse("admin:newsletters_issue_change", args=[created[0].pk]))
    return HttpResponseRedirect(reverse("admin:newsletters_issue_changelist"))
