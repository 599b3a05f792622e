"""Topics (django-taggit tags) as editors type them: separated by commas, spaces kept.

taggit's own parser splits on spaces when the text has no comma, so "Domestic abuse" became the two
topics "Domestic" and "abuse". Settings point ``TAGGIT_TAGS_FROM_STRING`` and
``TAGGIT_STRING_FROM_TAGS`` here. ``TopicsField`` is the form field with its autocomplete widget:
a text input that suggests existing topics for the one being typed after the last comma, from
``suggest_url`` (a view answering ``?q=…`` with ``{"topics": [...]}``, see ``suggestions``).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from taggit.forms import TagField, TagWidget

from .search import clean_query

MAX_TOPIC_LENGTH = 100  # taggit's Tag.name
MAX_TOPICS = 20
SUGGESTIONS = 12
_SEPARATORS = re.compile(r"[,;\n]")


def parse_topics(text: str) -> list[str]:
    """The topics in ``text``, split at commas (semicolons and new lines too), each with single spaces.

    Surrounding quotes are dropped; a topic given twice (ignoring case) is kept once, as first typed.
    """
    topics: dict[str, str] = {}
    for part in _SEPARATORS.split(text or ""):
        name = " ".join(part.replace('"', " ").split())
        if name and name.casefold() not in topics:
            topics[name.casefold()] = name
    return list(topics.values())


def join_topics(tags) -> str:
    """Topics as editors type them: names separated by a comma and a space, in alphabetical order."""
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))


class TopicsWidget(TagWidget):
    """A text input for comma-separated topics that suggests existing ones as the editor types.

    Without JavaScript it is a plain text input. With it (``js/topics.mjs``), the input gets a
    native ``<datalist>`` of topics matching the part after the last comma, fetched from
    ``suggest_url``: browsers offer them by keyboard and to screen readers like any suggestion list.
    """

    def __init__(self, *, suggest_url: str = "", attrs=None):
        self.suggest_url = suggest_url
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "true", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.suggest_url:
            context["widget"]["attrs"]["data-topics-suggest"] = str(self.suggest_url)
        return context

    @property
    def media(self):
        return forms.Media(js=[forms.Script("js/topics.mjs", type="module")])


class TopicsField(TagField):
    widget = TopicsWidget

    def __init__(self, *, suggest_url: str = "", **kwargs):
        kwargs.setdefault("help_text", "Separate topics with commas, e.g. Neglect, Domestic abuse, Early help.")
        super().__init__(**kwargs)
        self.widget = TopicsWidget(suggest_url=suggest_url)

    def clean(self, value):
        topics = super().clean(value)
        too_long = [name for name in topics if len(name) > MAX_TOPIC_LENGTH]
        if too_long:
            raise ValidationError(
                f"A topic can be at most {MAX_TOPIC_LENGTH} characters long. Did you forget a comma between "
                f"topics? (“{too_long[0][:40]}…”)",
                code="topic_too_long",
            )
        if len(topics) > MAX_TOPICS:
            raise ValidationError(f"Choose at most {MAX_TOPICS} topics.", code="too_many_topics")
        return topics

    def has_changed(self, initial_value, data_value):
        if self.disabled:
            return False
        before = {tag.name.casefold() for tag in initial_value or []}
        return before != {name.casefold() for name in parse_topics(data_value or "")}


def suggestions(request, tags) -> JsonResponse:
    """Up to ``SUGGESTIONS`` topic names from ``tags`` (a Tag queryset) containing ``?q=``, those starting
    with it first."""
    q = clean_query(request.GET.get("q", ""))[:MAX_TOPIC_LENGTH]
    if not q:
        return JsonResponse({"topics": []})
    names = list(tags.filter(name__icontains=q).order_by("name").values_list("name", flat=True)[:200])
    names.sort(key=lambda name: (not name.casefold().startswith(q.casefold()), name.casefold()))
    return JsonResponse({"topics": names[:SUGGESTIONS]})
