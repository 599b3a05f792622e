"""Rich text: one model field, one editor and one sanitising policy for the whole portal.

Stored HTML is always cleaned on save, whatever route it arrived by (admin,
service, import, data migration): ``RichTextField.pre_save`` runs ``sanitize``
and then ``add_heading_anchors``. Templates render it with the ``richtext``
filter (``lscb_portal.core.templatetags.richtext``).

``plain_text`` and ``heading_text`` give the forms search and plain-text email
use; ``headings`` gives a table of contents.
"""

import base64
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3
from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django_prose_editor.fields import ProseEditorField, ProseEditorFormField

from .links import free_slug

URL_SCHEMES = {"http", "https", "mailto", "tel"}

# What editors can make in the admin. Every extension the table, list and
# figure extensions depend on is listed, so the editor never guesses.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    # The stock Link, without its paste rule that rewrote links whose text looks like an address
    # (static/js/prose-editor.mjs).
    "KeptLink": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Image": True,
    "Figure": True,
    "Caption": True,
    "HardBreak": True,
    "History": True,
    # The browser's spelling check stays on (the editor turns it off by default).
    "NoSpellCheck": False,
    # The editing area is named by its field's label (static/js/prose-editor.mjs).
    "LabelledEditor": True,
}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "img", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
# Removed with everything inside them, not just unwrapped: their content is code or
# markup in another language, never words meant for the reader.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "noscript", "noembed", "noframes", "xmp", "svg", "math", "select", "textarea", "button",
}  # fmt: skip

ANCHOR_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,80}$")
# Ids the page layout itself uses (the GOV.UK skip link's target).
RESERVED_ANCHORS = frozenset({"main-content"})

_NUMBER = re.compile(r"^[0-9]{1,4}$")
_SPACE = re.compile(r"\s+")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Value-level rules nh3's allowlists cannot express; None drops the attribute."""
    if attribute == "id":
        return value if ANCHOR_PATTERN.match(value) else None
    if attribute in {"colspan", "rowspan", "start", "width", "height"}:
        return value if _NUMBER.match(value.strip()) else None
    if attribute == "scope":
        return value if value in {"col", "row", "colgroup", "rowgroup"} else None
    if attribute in {"alt", "title"}:
        return _SPACE.sub(" ", value).strip()
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# nh3's output is serialised by html5ever: attribute values are always double-quoted
# with '"', '<' and '>' escaped, so these patterns cannot be fooled by what was typed.
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')
_IMG = re.compile(r"<img\b([^>]*)>")
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_EMPTY = re.compile(r"^(?:<p>(?:\s|<br>)*</p>\s*)*$")


def _attributes(source: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in _ATTRIBUTE.findall(source)}


def _keep_image(match: re.Match) -> str:
    attributes = _attributes(match.group(1))
    return match.group(0) if attributes.get("alt", "").strip() and attributes.get("src") else ""


def _unwrap_dead_link(match: re.Match) -> str:
    return match.group(0) if "href" in _attributes(match.group(1)) else match.group(2)


def sanitize(html: str) -> str:
    """The portal's one HTML policy, whatever is pasted in.

    No script, style, frame, object, SVG, MathML, form control, event-handler
    or style attribute, or javascript:/vbscript:/data: URL survives. Images
    without alt text are dropped (the form refuses them first), links whose
    address was refused become plain text, and heading ids survive only in the
    portal's anchor format.
    """
    html = _cleaner.clean(html or "")
    html = _IMG.sub(_keep_image, html)
    html = _LINK.sub(_unwrap_dead_link, html)
    html = html.strip()
    return "" if _EMPTY.match(html) else html


# Headings, plain text and anchors -------------------------------------------------

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)
_ANCHORED_HEADING = re.compile(r"<(h[2-4])\b([^>]*)>(.*?)</\1\s*>", re.S)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ID_ATTRIBUTE = re.compile(r'\s+id="[^"]*"')
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_CODE = re.compile(r"<(script|style|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I)
_TAG = re.compile(r"""</?([a-zA-Z][a-zA-Z0-9]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Tags inside a word ("safe<em>guard</em>ing") that must not split it.
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
})  # fmt: skip


def _tag_gap(match: re.Match) -> str:
    return "" if match.group(1).lower() in _INLINE_TAGS else " "


def plain_text(html: str) -> str:
    """The words of a rich text on one line: for search vectors and plain-text email."""
    text = _CODE.sub(" ", _COMMENT.sub(" ", html or ""))
    return _SPACE.sub(" ", unescape(_TAG.sub(_tag_gap, text))).strip()


def heading_text(html: str) -> str:
    """The words of a rich text's headings (weighted above the body in search)."""
    return " ".join(text for match in _HEADING.finditer(html or "") if (text := plain_text(match.group(3))))


@dataclass(frozen=True)
class Heading:
    level: int  # 2, 3 or 4
    text: str
    anchor: str  # the heading's id: link to it with "#" + anchor


def _anchor_base(text: str) -> str:
    # Not slugify(): it deletes dots, and "12.2 Referrals" should read 12-2-referrals.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower())[:70].strip("-")
    if not slug:
        return "section"
    return slug if slug[0].isalpha() else f"section-{slug}"


def add_heading_anchors(html: str) -> str:
    """Give every h2–h4 a unique id made from its text, for links and tables of contents.

    A heading that already has a valid id keeps it, so an anchor someone has
    linked to does not change when other headings are added, removed or
    renamed. New ids are slugs of the heading's words; repeats get -2, -3, …
    Expects sanitised HTML (``RichTextField`` runs it after ``sanitize``).
    """
    if not html or "<h" not in html:
        return html or ""
    matches = list(_ANCHORED_HEADING.finditer(html))
    used = set(RESERVED_ANCHORS)
    kept: dict[int, str] = {}
    for index, match in enumerate(matches):
        anchor = _attributes(match.group(2)).get("id", "")
        if ANCHOR_PATTERN.match(anchor) and anchor not in used:
            used.add(anchor)
            kept[index] = anchor
    pieces, position = [], 0
    for index, match in enumerate(matches):
        anchor = kept.get(index)
        if anchor is None:
            base = _anchor_base(plain_text(match.group(3)))
            anchor = free_slug(base, used)
            used.add(anchor)
        tag, attributes, content = match.groups()
        attributes = _ID_ATTRIBUTE.sub("", attributes)
        pieces.append(html[position : match.start()])
        pieces.append(f'<{tag} id="{anchor}"{attributes}>{content}</{tag}>')
        position = match.end()
    pieces.append(html[position:])
    return "".join(pieces)


def headings(html: str) -> list[Heading]:
    """The h2–h4 headings of a rich text with their anchors, in order: a table of contents."""
    return [
        Heading(
            level=int(match.group(1)[1]), text=plain_text(match.group(3)), anchor=_attributes(match.group(2))["id"]
        )
        for match in _ANCHORED_HEADING.finditer(add_heading_anchors(html))
    ]


# The field and its form field -------------------------------------------------------


class _ImageFinder(HTMLParser):
    """Collects the images in submitted HTML as browsers would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append({name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


def images_without_alt(html: str) -> list[str]:
    """The addresses (or "an image") of the images in ``html`` that have no alt text."""
    finder = _ImageFinder()
    finder.feed(html or "")
    finder.close()
    return [image.get("src") or "an image" for image in finder.images if not image.get("alt", "").strip()]


class RichTextFormField(ProseEditorFormField):
    """The editor's form field: refuses images without alt text, returns sanitised HTML."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        kwargs["sanitize"] = sanitize
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = forms.CharField.clean(self, value)
        if missing := images_without_alt(value):
            names = ", ".join(_short(src) for src in missing)
            count = "1 image has" if len(missing) == 1 else f"{len(missing)} images have"
            raise ValidationError(
                f"Add alternative text to every image, saying what it shows for people who cannot see it "
                f"({count} none: {names}). Open the image's settings and fill in “Alternative Text”, "
                f"or remove the image.",
                code="image_without_alt",
            )
        value = sanitize(value)
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        return value


def _short(src: str) -> str:
    name = src.rsplit("/", 1)[-1] or src
    return name if len(name) <= 60 else f"{name[:57]}…"


class RichTextField(ProseEditorField):
    """A text field holding sanitised HTML, edited in the admin with a WYSIWYG editor.

    Sanitised and given heading anchors on every save, however the value was set.
    Keep a plain-text copy (``plain_text``/``heading_text``) in the model's
    ``save()`` for its search vector.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        kwargs["sanitize"] = sanitize
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("config", None)
        kwargs.pop("sanitize", None)
        return name, "lscb_portal.core.richtext.RichTextField", args, kwargs

    def pre_save(self, model_instance, add):
        value = add_heading_anchors(sanitize(getattr(model_instance, self.attname) or ""))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})


_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S)


@functools.cache
def editor_csp_hashes() -> list[str]:
    """CSP sources allowing the editor's one inline script, its import map, by hash.

    The import map (which tells the browser where the editor's modules are) must
    be inline, and the admin's templates give it no nonce. Its content depends
    only on the static files' addresses, so its hash is fixed for a deployment;
    settings add it to the admin's ``script-src``.
    """
    media = RichTextFormField(widget=AdminTextareaWidget).widget.media
    sources = []
    for tag in media.render_importmap():
        for script in _INLINE_SCRIPT.findall(tag):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode("ascii")
            sources.append(f"'sha256-{digest}'")
    return sources
