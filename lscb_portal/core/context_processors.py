from django.conf import settings
from django.urls import reverse

from .models import BoardSettings

SITE_SECTIONS = [
    ("Newsletters", "newsletters:index"),
    ("Training", "training:index"),
    ("Procedures", "procedures:index"),
    ("Search", "pages:search"),
]


def board(request):
    """The board's identity and the shell's navigation: one query a page."""
    path = request.path
    sections = []
    for label, name in SITE_SECTIONS:
        url = reverse(name)
        sections.append({"label": label, "url": url, "active": path.startswith(url), "current": path == url})
    return {
        "board": BoardSettings.get_solo(),
        "site_sections": sections,
        "exit_page_url": settings.EXIT_PAGE_URL,
    }
