"""Rich text: one model field, one editor and one sanitising policy for the whole portal.

Stored HTML is always cleaned on save, whatever route it arrived by (admin,
service, import). ``plain_text`` and ``heading_text`` give the forms search uses.
"""

import re
from html import unescape

import nh3
from django_prose_editor.fields import ProseEditorField

EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Table": True,
    "Image": True,
    "HardBreak": True,
    "History": True,
}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "img", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """The portal's one HTML policy: no script, style, frames, handlers or odd URLs survive."""
    return _cleaner.clean(html or "").strip()


class RichTextField(ProseEditorField):
    """A text field holding sanitised HTML, edited in the admin with a WYSIWYG editor."""

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
        value = sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[2-4][^>]*>(.*?)</h[2-4]>", re.S | re.I)
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The words of a rich text, for search and for plain-text email."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html or ""))).strip()


def heading_text(html: str) -> str:
    """The words of a rich text's headings (weighted above the body in search)."""
    return " ".join(plain_text(match) for match in _HEADING.findall(html or ""))
