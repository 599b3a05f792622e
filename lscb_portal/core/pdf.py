"""The one renderer for the documents people keep: a Django template to a tagged PDF, through WeasyPrint.

Every document (certificates, newsletter issues, registers and sign-in sheets) extends
``templates/documents/base.html``, which gives it the board's name, logo and colour, a title and a
language. The output is PDF/UA-1: tagged (a structure tree a screen reader follows), with the title
shown in the window and the language declared.

The fonts are the project's own (``static/build/fonts/``, built from Fontsource's packages by
``frontend/build.mjs``), loaded through ``@font-face`` from the static files, so a document looks the
same on every machine. A document loads nothing from outside the portal: only its static files and the
files in its storage (the board's logo), whatever address a template or an editor's image names.

Rendering is slow (tens to hundreds of milliseconds, and most of a second for a process's first) and is never
done while a reader waits: jobs make the documents and keep them in storage (``keep_pdf``), and pages serve
the stored file.
"""

import atexit
import functools
import mimetypes
import re
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import DEFAULT_BRAND_COLOUR, BoardSettings

# Parsed once per process with their fonts: loading the faces is most of a first render's time.
STYLESHEETS = ["build/fonts/fonts.css", "css/documents.css"]
PDF_VARIANT = "pdf/ua-1"

# Pango and fontconfig share the font configuration: one render at a time in a process.
_render_lock = threading.Lock()


class ExternalResource(ValueError):
    """A document asked for something outside the portal's own files."""


def base_url() -> str:
    """Relative addresses in documents (links, static files) resolve against the portal's public address."""
    return settings.SITE_URL.rstrip("/") + "/"


def is_own_address(url: str) -> bool:
    """Whether ``url`` (absolute or relative) is on the portal's own host."""
    parts = urlsplit(urljoin(base_url(), url))
    return parts.scheme in {"http", "https"} and parts.netloc == urlsplit(base_url()).netloc


def portal_fetcher():
    """WeasyPrint's URL fetcher for documents: the portal's static and stored files, and nothing else."""
    return _fetcher_class()()


@functools.cache
def _fetcher_class():
    # WeasyPrint takes about a second to import: only processes that render pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not is_own_address(url):
                raise ExternalResource(f"Documents load only the portal's own files, not {url}")
            path = unquote(urlsplit(url).path)
            if ".." in path.split("/"):
                raise ExternalResource(f"{url} leaves the portal's files")
            if path.startswith(settings.STATIC_URL):
                body = _static_file(path.removeprefix(settings.STATIC_URL))
            elif path.startswith(settings.MEDIA_URL):
                body = _stored_file(path.removeprefix(settings.MEDIA_URL))
            else:
                raise ExternalResource(f"{url} is a page, not a file")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return PortalFetcher


def _static_file(name: str) -> bytes:
    # The source folders in development and tests; the collected (hashed) copies in production.
    if found := finders.find(name):
        with open(found, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read()


def _stored_file(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


@functools.cache
def _stylesheets():
    atexit.register(_stylesheets.cache_clear)  # its font folder is removed while the modules it needs remain
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    static = urljoin(base_url(), settings.STATIC_URL)
    sheets = [
        CSS(url=urljoin(static, name), url_fetcher=portal_fetcher(), font_config=font_config) for name in STYLESHEETS
    ]
    return font_config, sheets


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def document_context(context: dict) -> dict:
    """The board's identity for the document's letterhead, with what the template was given."""
    board = BoardSettings.get_solo()
    colour = board.brand_colour if _COLOUR.match(board.brand_colour or "") else DEFAULT_BRAND_COLOUR
    return {"board": board, "brand_colour": colour, **context}


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF of ``template`` (which extends ``documents/base.html``) rendered with ``context``."""
    return html_to_pdf(render_to_string(template, document_context(context)))


def html_to_pdf(html: str) -> bytes:
    """The tagged PDF of an HTML document with a ``<title>`` and a ``lang``, in the documents' style."""
    from weasyprint import HTML

    with _render_lock:
        font_config, sheets = _stylesheets()
        document = HTML(string=html, base_url=base_url(), url_fetcher=portal_fetcher())
        return document.write_pdf(stylesheets=sheets, font_config=font_config, pdf_variant=PDF_VARIANT)


@dataclass(frozen=True)
class StoredDocument:
    """Where a rendered document was kept, and its size in bytes."""

    name: str
    size: int


def store_pdf(*, name: str, content: bytes) -> StoredDocument:
    """Keep a rendered document in the default storage under ``name`` (or a free name beside it)."""
    saved = default_storage.save(name, ContentFile(content))
    return StoredDocument(name=saved, size=len(content))


def delete_stored(name: str) -> None:
    if name:
        default_storage.delete(name)


def keep_pdf(model: type[models.Model], pk: int, *, name: str, content: bytes) -> StoredDocument | None:
    """Store a row's new PDF and point its ``pdf``, ``pdf_size`` and ``pdf_made_at`` at it, under its lock.

    The new copy gets a name of its own and the one it replaces is deleted once the row's change
    commits, so a reader never finds neither. None (and nothing kept) when the row has gone meanwhile.
    """
    stored = store_pdf(name=name, content=content)
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).only("pdf").first()
        if row is None:
            delete_stored(stored.name)
            return None
        previous = row.pdf.name
        model.objects.filter(pk=pk).update(pdf=stored.name, pdf_size=stored.size, pdf_made_at=timezone.now())
        if previous and previous != stored.name:
            transaction.on_commit(lambda: delete_stored(previous))
    return stored
