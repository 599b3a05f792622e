from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from .models import BoardSettings, read_singleton

SITE_SECTIONS = [
    ("Newsletters", "newsletters:index"),
    ("Training", "training:index"),
    ("Procedures", "procedures:index"),
    ("Search", "pages:search"),
]


@lru_cache(maxsize=8)
def _section_urls(script_prefix: str, urlconf: str | None) -> tuple[tuple[str, str], ...]:
    """The sections' addresses, reversed once per URLconf and prefix rather than on every page."""
    return tuple((label, reverse(name, urlconf=urlconf)) for label, name in SITE_SECTIONS)


def board(request):
    """The board's identity and the shell's navigation: one query a page."""
    path = request.path
    sections = [
        {"label": label, "url": url, "active": path.startswith(url), "current": path == url}
        for label, url in _section_urls(get_script_prefix(), get_urlconf())
    ]
    return {
        "board": read_singleton(BoardSettings),
        "site_sections": sections,
        "exit_page_url": settings.EXIT_PAGE_URL,
    }
