"""Public pages of the procedures manual. Each reads through selectors and QuerySet methods."""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from lscb_portal.core import pagecache
from lscb_portal.core.forms import blank_form_html
from lscb_portal.core.links import absolute_url
from lscb_portal.core.search import SearchResults, query_was_cut
from lscb_portal.core.textdiff import compare, display_html

from . import printcodes, selectors
from .anchors import headings, number_headings
from .forms import AsAtForm, SearchForm, VerifyForm, empty_as_at_form
from .models import Amendment, Chapter, ChapterVersion, GlossaryTerm, Manual
from .rendering import GlossaryLinker
from .search import sources as search_sources

# The area the manual's pages and their kept parts show (lscb_portal/core/pagecache.py), besides the board's shell.
MANUAL = ["procedures"]
PRINT_VALID_FOR = timedelta(hours=72)
# The search page lists the best this many matches.
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class ChapterReading:
    """A chapter as its pages read it: the chapter (with its section), the version shown and the amendment that
    last changed it (each with its round), the text with its sections numbered, its contents and related chapters."""

    chapter: Chapter
    version: ChapterVersion
    amendment: Amendment | None
    numbered: str  # the text with numbered sections; ``display_html`` makes it safe to show
    toc: list
    related: list[Chapter]


def chapter_reading(chapter, version, amendment, related) -> ChapterReading:
    """``version`` of the chapter read for its pages: the text in force, or a draft for its preview."""
    return ChapterReading(
        chapter=chapter,
        version=version,
        amendment=amendment,
        numbered=number_headings(version.body),
        toc=headings(version.body),
        related=related,
    )


def _kept(request, key: tuple, build):
    """``build()``, kept while the manual stands (``pagecache.fragment``)."""
    return pagecache.fragment(request, key, shows=MANUAL, build=build)


def _published_reading(slug: str) -> tuple[ChapterReading | None, str | None]:
    """(reading, None) for a published chapter's address, (None, its address now) for an old one. An address that
    finds nothing raises Http404, so unknown addresses keep nothing."""
    chapter, renamed = selectors.chapter_by_slug(slug)
    if renamed is not None:
        return None, renamed.slug
    if chapter is None:
        raise Http404("No chapter has this address.")
    reading = chapter_reading(
        chapter, chapter.current_version, chapter.last_amendment, selectors.related_chapters(chapter)
    )
    return reading, None


def _chapter_or_redirect(request, slug: str, view_name: str):
    """The published chapter at ``slug``, read once for all its pages (the chapter, its changes, "as at" and print
    pages) while the manual stands; an old address (before a rename) answers with a redirect."""
    reading, renamed = _kept(request, ("procedures.chapter", slug), partial(_published_reading, slug))
    if renamed is not None:
        url = reverse(view_name, kwargs={"slug": renamed})
        if request.GET:
            url += "?" + request.GET.urlencode()
        return None, redirect(url, permanent=True)
    return reading, None


def chapter_page(reading: ChapterReading, linker: GlossaryLinker) -> dict:
    """What the chapter page shows of a reading, its glossary terms linked to their definitions."""
    body, terms_used = linker.link(reading.numbered)
    return {
        "chapter": reading.chapter,
        "version": reading.version,
        "body": display_html(body),
        "toc": reading.toc,
        "terms_used": terms_used,
        "amendment": reading.amendment,
        "related": reading.related,
    }


@require_safe
def index(request):
    rounds = _rounds(request)
    latest_round = rounds[0] if rounds else None
    context = {
        "manual": _manual(request),
        "sections": selectors.contents(latest_round),
        "latest_round": latest_round,
    }
    return render(request, "procedures/index.html", context)


@require_safe
def chapter(request, slug):
    reading, response = _chapter_or_redirect(request, slug, "procedures:chapter")
    if response:
        return response
    # Every chapter page links the glossary's terms with one linker, made once while the manual stands.
    linker = _kept(request, ("procedures.glossary_linker",), selectors.glossary_linker)
    context = chapter_page(reading, linker)
    context["as_at_form"] = blank_form_html(
        request, empty_as_at_form, reverse("procedures:as_at", kwargs={"slug": reading.chapter.slug})
    )
    return render(request, "procedures/chapter.html", context)


def _version_number(value, default):
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return None


@require_safe
def changes(request, slug):
    """Compare two published versions: by default the one in force with the one before it."""
    reading, response = _chapter_or_redirect(request, slug, "procedures:changes")
    if response:
        return response
    chapter = reading.chapter
    versions = selectors.chapter_history(chapter)
    by_number = {version.number: version for version in versions}
    current = chapter.current_version.number
    errors = []
    newer_number = _version_number(request.GET.get("to"), current)
    if newer_number not in by_number:
        errors.append(f"There is no version {request.GET.get('to')} of this chapter. Showing the latest changes.")
        newer_number = current
    older_number = _version_number(request.GET.get("from"), newer_number - 1)
    if request.GET.get("from") and (older_number not in by_number or older_number >= newer_number):
        errors.append("Choose an earlier version to compare with. Showing the changes made by this version.")
        older_number = newer_number - 1
    newer, older = by_number[newer_number], by_number.get(older_number)
    comparison = compare(older.body if older else "", newer.body) if older else None
    context = {
        "chapter": chapter,
        "versions": versions,
        "newer": newer,
        "older": older,
        "comparison": comparison,
        "title_changed": older is not None and older.title != newer.title,
        "errors": errors,
    }
    return render(request, "procedures/changes.html", context)


@require_safe
def as_at(request, slug):
    """A chapter as it stood on a chosen date, for audits and case reviews."""
    reading, response = _chapter_or_redirect(request, slug, "procedures:as_at")
    if response:
        return response
    chapter = reading.chapter
    form = AsAtForm(request.GET or None, action=reverse("procedures:as_at", kwargs={"slug": chapter.slug}))
    version = body = None
    day = None
    if form.is_valid():
        day = form.cleaned_data["date"]
        version = selectors.version_as_at(chapter, day)
        if version:
            body = display_html(number_headings(version.body))
    context = {
        "chapter": chapter,
        "form": form,
        "day": day,
        "version": version,
        "body": body,
        "toc": headings(version.body) if version else [],
        "is_in_force_now": version is not None and version.pk == chapter.current_version_id,
    }
    return render(request, "procedures/as_at.html", context)


@require_safe
def print_view(request, slug):
    reading, response = _chapter_or_redirect(request, slug, "procedures:print")
    if response:
        return response
    chapter, version = reading.chapter, reading.version
    printed_at = timezone.now()
    context = {
        "chapter": chapter,
        "version": version,
        "body": display_html(reading.numbered),
        "toc": reading.toc,
        "printed_at": printed_at,
        "valid_until": printed_at + PRINT_VALID_FOR,
        "code": printcodes.format_code(version.print_code),
        "verify_url": absolute_url(
            reverse("procedures:verify", kwargs={"code": printcodes.format_code(version.print_code)})
        ),
    }
    response = render(request, "procedures/print.html", context)
    # The footer says when it was printed: never serve a cached copy.
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def verify_start(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("procedures:verify", code=printcodes.format_code(form.cleaned_data["code"]))
    return render(request, "procedures/verify_start.html", {"form": form})


@require_safe
def verify(request, code):
    check = printcodes.print_check(code)
    if check is None:
        form = VerifyForm(initial={"code": code})
        return render(request, "procedures/verify_unknown.html", {"code": code, "form": form}, status=404)
    context = {"check": check, "code": printcodes.format_code(check.version.print_code)}
    response = render(request, "procedures/verify.html", context)
    response["Cache-Control"] = "no-cache"
    return response


def round_tables(update_round, groups) -> str:
    """A round's amendments as its tables (``selectors.group_amendments``), rendered."""
    context = {"groups": groups, "round": update_round}
    return render_to_string("partials/_procedures_amendment_tables.html", context)


def _published_round_tables(request, update_round) -> str:
    """A published round's tables, rendered once for the amendments page and the round's own page: its rows are
    most of what either page costs, and they change only with the manual."""
    return _kept(
        request,
        ("procedures.round_tables", update_round.pk),
        lambda: round_tables(update_round, selectors.round_groups(update_round)),
    )


def _rounds(request) -> list:
    """The published rounds with their counts, read once for the amendments page and the list of earlier rounds."""
    return _kept(request, ("procedures.rounds",), selectors.rounds_listed)


def _manual(request) -> Manual:
    """The manual's title and next update, read once for the pages that show them."""
    return _kept(request, ("procedures.manual",), selectors.manual)


@require_safe
def amendments(request):
    """The latest rounds in full; earlier rounds as links to their own pages, so the page does not grow."""
    page = selectors.amendments_page(_rounds(request))
    context = {
        "manual": _manual(request),
        "rounds": [(update_round, _published_round_tables(request, update_round)) for update_round in page.rounds],
        "earlier": page.earlier,
        "more_earlier": page.more_earlier,
    }
    return render(request, "procedures/amendments.html", context)


@require_safe
def earlier_rounds(request):
    rounds = selectors.earlier_rounds(_rounds(request))
    return render(request, "procedures/earlier_rounds.html", {"rounds": rounds})


@require_safe
def rounds_on_day(request, day):
    """The address rounds had before each had its own: one round's page redirects to its own address;
    several rounds published that day are listed, each linking to its own page."""
    rounds = selectors.rounds_published_on(day)
    if not rounds:
        raise Http404("No update round was published on this date.")
    if len(rounds) == 1:
        return redirect(rounds[0].get_absolute_url(), permanent=True)
    return _round_page(request, day, rounds, several=True)


@require_safe
def round_view(request, day, slug):
    """One round's amendments, at its own address: its publication day and its slug."""
    rounds = selectors.rounds_published_on(day, slug=slug)
    if not rounds:
        raise Http404("No update round has this address.")
    return _round_page(request, day, rounds, several=False)


def _round_page(request, day, rounds, *, several: bool):
    tables = [(update_round, _published_round_tables(request, update_round)) for update_round in rounds]
    return render(request, "procedures/round.html", {"day": day, "rounds": tables, "several": several})


@require_safe
def glossary(request):
    terms = list(GlossaryTerm.objects.order_by("term"))
    letters: dict[str, list] = {}
    for term in terms:
        letters.setdefault(term.initial, []).append(term)
    alphabet = [(letter, letter in letters) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return render(request, "procedures/glossary.html", {"letters": letters, "alphabet": alphabet})


@require_safe
def archive(request):
    return render(request, "procedures/archive.html", {"chapters": selectors.archived_chapters()})


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    raw = request.GET.get("q", "")
    results = SearchResults(raw, search_sources(), limit=SEARCH_LIMIT, depth=SEARCH_LIMIT)
    context = {
        "form": form,
        "query": results.q,
        "searched": "q" in request.GET,
        "results": results,
        "truncated": query_was_cut(raw),
        "site_search_url": reverse("pages:search") + "?" + urlencode({"q": results.q}),
    }
    return render(request, "procedures/search.html", context)
