"""The admin's history of a record, showing what changed: each field, with old and new text compared.

Every app's admin registers the models people edit with ``HistoryAdmin`` (django-simple-history's admin with
this page). Each entry lists the fields that changed since the entry before it: text word by word with
``core.textdiff`` (the comparison the procedures' "what changed" pages use), other values as "old → new" in the
words the admin uses (choice labels, names of related records, dates in the board's time zone).

Fields the portal derives from others (the plain-text copies kept for search and email, snapshots) are left out:
their change is the change of the field they come from. Fields people cannot edit but that matter (an issue's
status and publication time, a chapter's address) are listed.
"""

import copy
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from .richtext import RichTextField
from .textdiff import Comparison, compare, compare_text

EMPTY = "(empty)"
# Texts longer than this (and all rich text) are shown folded, with a count of the words changed.
LONG_TEXT = 160


@dataclass(frozen=True)
class FieldChange:
    """One field's change in a history entry, ready for the page."""

    label: str
    old: str = ""
    new: str = ""
    comparison: Comparison | None = None
    long: bool = False

    @property
    def diff(self) -> SafeString | None:
        return self.comparison.html if self.comparison else None


def _is_derived(field) -> bool:
    """A column the portal fills from another (search text, snapshots): not something a person changed."""
    return not field.editable and isinstance(field, models.TextField | models.JSONField)


def shown_fields(history_model) -> list:
    """The tracked fields a history entry lists, in the model's order."""
    fields = [field for field in history_model.tracked_fields if not _is_derived(field)]
    return fields + list(history_model._history_m2m_fields)


def _display(field, value) -> str:
    if value is None or value == "":
        return EMPTY
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %b %Y, %H:%M}" if timezone.is_aware(value) else f"{value:%-d %b %Y}"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, list):  # many-to-many rows, as simple-history gives them
        names = [str(next(iter(row.values()))) if isinstance(row, dict) else str(row) for row in value]
        return ", ".join(names) or EMPTY
    return str(value)


def describe_change(field, old, new) -> FieldChange:
    label = capfirst(str(field.verbose_name))
    if isinstance(field, models.FileField):
        old, new = getattr(old, "name", old), getattr(new, "name", new)
    if isinstance(field, RichTextField):
        return FieldChange(label=label, comparison=compare(old or "", new or ""), long=True)
    if isinstance(field, models.CharField | models.TextField) and not getattr(field, "flatchoices", None):
        old, new = old or "", new or ""
        return FieldChange(
            label=label,
            old=old,
            new=new,
            comparison=compare_text(old, new),
            long=max(len(old), len(new)) > LONG_TEXT or "\n" in old + new,
        )
    return FieldChange(label=label, old=_display(field, old), new=_display(field, new))


def _related(record, field, pk):
    """The record a foreign key pointed to (selected with the history), or words for one since deleted."""
    if pk is None:
        return None
    try:
        return getattr(record, field.name)
    except ObjectDoesNotExist:
        return f"a deleted {field.related_model._meta.verbose_name} (#{pk})"


def entry_changes(newer, older, fields) -> list[FieldChange]:
    """What changed from ``older`` to ``newer`` (two historical records of one object), in the model's order.

    simple-history's own ``diff_against`` compares only fields people can edit, so the portal compares the
    columns itself and leaves only many-to-many fields to it.
    """
    changes = []
    many = [field.name for field in fields if field.many_to_many]
    many_changes = {}
    if many:
        delta = newer.diff_against(older, included_fields=many, foreign_keys_are_objs=True)
        many_changes = {change.field: change for change in delta.changes}
    for field in fields:
        if field.many_to_many:
            if field.name in many_changes:
                change = many_changes[field.name]
                changes.append(describe_change(field, change.old, change.new))
            continue
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        if old == new:
            continue
        if field.is_relation:
            old, new = _related(older, field, old), _related(newer, field, new)
        changes.append(describe_change(field, old, new))
    return changes


def _is_key(field, value: str) -> bool:
    try:
        field.to_python(unquote(value))
    except ValidationError:
        return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, whose history page lists each entry's changes field by field.

    An address whose record or version number is not a number answers 404 (simple-history's views would fail).
    """

    object_history_list_template = "admin/history/object_history_list.html"

    def history_view(self, request, object_id, extra_context=None):
        if not _is_key(self.model._meta.pk, object_id):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        version_key = history.model._meta.pk
        if not (_is_key(self.model._meta.pk, object_id) and _is_key(version_key, version_id)):
            raise Http404("No such version.")
        record = history.filter(**{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}).first()
        if record is None:
            raise Http404("No such version.")
        # simple-history lays out a version's form with the fields prepopulated as declared, but an admin may make
        # one of them read-only for this record (a published series' address), which leaves the form without it.
        # This version's own prepopulated fields go on a copy: the admin itself serves every request.
        readonly = set(self.get_readonly_fields(request, record.instance))
        for_version = copy.copy(self)
        for_version.prepopulated_fields = {
            name: sources
            for name, sources in self.get_prepopulated_fields(request, record.instance).items()
            if name not in readonly
        }
        return super(HistoryAdmin, for_version).history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        if not records:
            return
        fields = shown_fields(type(records[0]))
        for newer, older in zip(records, records[1:], strict=False):
            newer.history_delta_changes = entry_changes(newer, older, fields)
