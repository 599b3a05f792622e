"""The lists people can subscribe to: each app registers its own in ``AppConfig.ready()``."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps as django_apps

from ..models import Subscription

LIST_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)+$")


@dataclass(frozen=True)
class DigestPart:
    """One list's section of a weekly digest: a heading, and the section as plain text and as HTML."""

    title: str
    text: str
    html: str


@dataclass(frozen=True)
class MailingList:
    """A list people can subscribe to, registered by the app that sends to it.

    ``key`` starts with the app's label ("newsletters.series.<slug>", "procedures.updates",
    "training.alerts"); the alerts page groups lists by that prefix. ``digest(subscription,
    since, until)`` returns the list's part of a weekly digest, or None when there is nothing
    to say. In one digest run it is called once for each (list, major_only) pair and the part
    is reused for every subscriber with that pair.
    """

    key: str
    title: str
    description: str = ""
    supports_major_only: bool = False
    digest: Callable[[Subscription, datetime, datetime], DigestPart | None] | None = None

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class ListGroup:
    """The lists of one app, as the alerts page shows them."""

    key: str
    title: str
    lists: tuple[MailingList, ...]


_lists: dict[str, MailingList] = {}
_providers: list[Callable[[], Iterable[MailingList]]] = []


def register_list(mailing_list: MailingList) -> None:
    """Make a list available for subscription. Call it from your AppConfig.ready()."""
    if not LIST_KEY_PATTERN.match(mailing_list.key) or len(mailing_list.key) > 120:
        raise ValueError(
            f"List key {mailing_list.key!r} must be '<app>.<name>' in lower case (letters, digits, _ and -), "
            "at most 120 characters."
        )
    _lists[mailing_list.key] = mailing_list


def register_list_provider(provider: Callable[[], Iterable[MailingList]]) -> None:
    """Register a function returning lists (it may query the database); it is called whenever lists are needed."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_list(key: str) -> None:
    _lists.pop(key, None)


def all_lists() -> list[MailingList]:
    """Every list, registered ones first in registration order, then the providers' lists."""
    merged = dict(_lists)
    for provider in _providers:
        for mailing_list in provider():
            merged.setdefault(mailing_list.key, mailing_list)
    return list(merged.values())


def get_list(key: str) -> MailingList | None:
    if key in _lists:
        return _lists[key]
    for provider in _providers:
        for mailing_list in provider():
            if mailing_list.key == key:
                return mailing_list
    return None


def group_title(prefix: str) -> str:
    """The heading for an app's lists: the app's verbose name when the prefix is an app label."""
    try:
        return str(django_apps.get_app_config(prefix).verbose_name)
    except LookupError:
        return prefix.replace("_", " ").capitalize()


def list_groups(lists: Iterable[MailingList] | None = None) -> list[ListGroup]:
    """The lists grouped by app prefix, groups in the order their first list appears."""
    grouped: dict[str, list[MailingList]] = {}
    for mailing_list in all_lists() if lists is None else lists:
        grouped.setdefault(mailing_list.group, []).append(mailing_list)
    return [ListGroup(key=prefix, title=group_title(prefix), lists=tuple(items)) for prefix, items in grouped.items()]


def list_title(key: str, lists: dict[str, MailingList] | None = None) -> str:
    mailing_list = (lists or {}).get(key) or get_list(key)
    return mailing_list.title if mailing_list else key
