from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from . import pagecache
from .models import BoardSettings, read_singleton

SITE_SECTIONS = [
    ("Newsletters", "newsletters:index"),
    ("Training", "training:index"),
    ("Procedures", "procedures:index"),
    ("Search", "pages:search"),
]
# The parts of the shell that show the board's details and nothing of the page or the reader.
SHELL_PARTS = {"worried": "partials/_worried.html", "footer": "partials/_footer.html"}


@lru_cache(maxsize=8)
def _section_urls(script_prefix: str, urlconf: str | None) -> tuple[tuple[str, str], ...]:
    """The sections' addresses, reversed once per URLconf and prefix rather than on every page."""
    return tuple((label, reverse(name, urlconf=urlconf)) for label, name in SITE_SECTIONS)


def _shell(board: BoardSettings) -> dict[str, str]:
    return {name: mark_safe(render_to_string(template, {"board": board})) for name, template in SHELL_PARTS.items()}  # noqa: S308


def board(request):
    """The board's identity and the shell's navigation.

    The board's settings and the shell's parts that show them (``shell.worried``,
    ``shell.footer``) are kept as page fragments while the board's area stands, so most pages
    neither read the settings nor render those parts (``pagecache.fragment``).
    """
    path = request.path
    sections = [
        {"label": label, "url": url, "active": path.startswith(url), "current": path == url}
        for label, url in _section_urls(get_script_prefix(), get_urlconf())
    ]
    shows = [pagecache.BOARD]
    settings_row = SimpleLazyObject(
        lambda: pagecache.fragment(request, ("core.board",), shows=shows, build=lambda: read_singleton(BoardSettings))
    )
    shell = SimpleLazyObject(
        lambda: pagecache.fragment(request, ("core.shell",), shows=shows, build=lambda: _shell(settings_row))
    )
    return {
        "board": settings_row,
        "shell": shell,
        "site_sections": sections,
        "exit_page_url": settings.EXIT_PAGE_URL,
    }
