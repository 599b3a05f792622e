"""Personal data (UK GDPR): how long it is kept, and one person's data exported or erased across every app.

The base imports no app. Each app that holds personal data registers what it holds
from its ``AppConfig.ready()`` (through its ``privacy.py``)::

    privacy.register(
        privacy.PersonalData(
            app="training",
            export=export,  # email -> JSON-able dict of everything held about that address
            erase=erase,  # email -> {"what": how many rows}; erases or anonymises, history included
            retain=retain,  # now -> {"what": how many rows}; applies the retention periods
            names=names,  # email -> the names held with that address (scrubbed from the outbox and admin log)
        )
    )

The base holds subscribers, their subscriptions and the email outbox itself.
``apply_retention()`` runs daily (``core.apply_retention``); ``export_personal_data()``
and ``erase_personal_data()`` back the ``export_personal_data`` and
``erase_personal_data`` commands. ``find_traces()`` scans every text and JSON column of
every model, historical ones included, for a value: the erasure command uses it to
prove nothing is left.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import OutboxMessage, Subscriber, Subscription

logger = logging.getLogger(__name__)

ERASED = "[erased]"


# --- Retention periods ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept; read from settings so the privacy notice and the job agree."""

    bookings_years: int
    needs_days: int
    unconfirmed_subscribers_days: int
    contributions_days: int

    @property
    def bookings(self) -> timedelta:
        # Six calendar years, counting leap days generously: never anonymised early.
        return timedelta(days=366 * self.bookings_years)

    @property
    def needs(self) -> timedelta:
        return timedelta(days=self.needs_days)

    @property
    def unconfirmed_subscribers(self) -> timedelta:
        return timedelta(days=self.unconfirmed_subscribers_days)

    @property
    def contributions(self) -> timedelta:
        return timedelta(days=self.contributions_days)


def retention() -> Retention:
    return Retention(
        bookings_years=getattr(settings, "PRIVACY_BOOKINGS_KEPT_YEARS", 6),
        needs_days=getattr(settings, "PRIVACY_NEEDS_KEPT_DAYS", 7),
        unconfirmed_subscribers_days=getattr(settings, "PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS", 7),
        contributions_days=getattr(settings, "PRIVACY_CONTRIBUTIONS_KEPT_DAYS", 365),
    )


def _days(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return "1 year" if years == 1 else f"{years} years"
    if days % 7 == 0:
        weeks = days // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if days == 1 else f"{days} days"


def retention_notice() -> list[dict]:
    """What the portal keeps, why and for how long, in the privacy notice's words (from the settings)."""
    periods = retention()
    years = periods.bookings_years
    return [
        {
            "title": "Email alerts",
            "what": "Your email address, the alerts you chose, when you agreed and the wording you agreed to",
            "why": "To send you the alerts you asked for (your consent)",
            "how_long": "Until you unsubscribe. Sign-ups that are never confirmed are deleted after "
            f"{_days(periods.unconfirmed_subscribers_days)}.",
        },
        {
            "title": "Training bookings",
            "what": "Your name, work email, phone, organisation, job title, your manager's name and email, "
            "attendance, evaluation and any charge",
            "why": "To run the session, keep the register, issue certificates and report on training to the board",
            "how_long": f"Your name and contact details are removed {years} year{'s' if years != 1 else ''} after "
            "the session; the anonymous record stays for the board's reports",
        },
        {
            "title": "Access and dietary needs",
            "what": "What you tell us when you book",
            "why": "To make the session accessible for you",
            "how_long": f"Deleted {_days(periods.needs_days)} after the session",
        },
        {
            "title": "Newsletter contributions and feedback",
            "what": "Your name, role, agency, email address, your article and any comments",
            "why": "To consider your article for the newsletter and to improve it",
            "how_long": f"Deleted after {_days(periods.contributions_days)}",
        },
        {
            "title": "Emails we send you",
            "what": "A copy of each email, to check it was delivered",
            "why": "To send the email and to answer questions about it",
            "how_long": "Deleted with the rest of your information when you ask us to erase it",
        },
    ]


# --- The registry ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalData:
    """What one app holds about people, and how to export, erase and age it out."""

    app: str
    export: Callable[[str], dict]
    erase: Callable[[str], dict[str, int]]
    retain: Callable[[datetime], dict[str, int]] | None = None
    names: Callable[[str], Iterable[str]] | None = None


_registry: dict[str, PersonalData] = {}


def register(personal_data: PersonalData) -> None:
    """Call from your app's ready() (through its privacy.py); registering again replaces."""
    _registry[personal_data.app] = personal_data


def registered() -> list[PersonalData]:
    return list(_registry.values())


# --- Helpers for the apps -------------------------------------------------------------------------------------


def rows(queryset, fields: Iterable[str] | None = None) -> list[dict]:
    """Rows as plain dicts (dates as ISO strings), for an export."""
    values = queryset.values(*(fields or ()))
    return [{key: _plain(value) for key, value in row.items()} for row in values]


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, bool, str, list, dict)) or value is None:
        return value
    return str(value)


def history_of(model: type[models.Model]):
    """The django-simple-history model of ``model`` (e.g. HistoricalBooking), or None."""
    history = getattr(model, "history", None)
    return getattr(history, "model", None) if history is not None else None


def email_matches(field: str, email: str) -> Q:
    return Q(**{f"{field}__iexact": normalise(email)})


def normalise(email: str) -> str:
    return (email or "").strip().lower()


# --- The base's own data --------------------------------------------------------------------------------------


def _subscribers(email: str):
    return Subscriber.objects.alias(email_lower=Lower("email")).filter(email_lower=normalise(email))


def _outbox_to(email: str):
    return OutboxMessage.objects.filter(to__iexact=normalise(email))


def _core_export(email: str) -> dict:
    subscribers = _subscribers(email)
    return {
        "subscriber": rows(subscribers, ["email", "created_at", "confirmed_at", "consent_text", "consent_at"]),
        "subscriptions": rows(
            Subscription.objects.filter(subscriber__in=subscribers).order_by("list_key"),
            ["list_key", "frequency", "major_only", "created_at"],
        ),
        "emails_sent": rows(
            _outbox_to(email).order_by("created_at"),
            ["to", "subject", "body_text", "category", "status", "created_at", "sent_at"],
        ),
    }


def _scrub_outbox(needles: list[str]) -> int:
    """Remove the person's address and names from emails to other people (managers, the office)."""
    if not needles:
        return 0
    condition = Q()
    for needle in needles:
        for field in ("subject", "body_text", "body_html", "last_error"):
            condition |= Q(**{f"{field}__icontains": needle})
    changed = 0
    for message in OutboxMessage.objects.filter(condition).iterator():
        for field in ("subject", "body_text", "body_html", "last_error"):
            setattr(message, field, scrub(getattr(message, field), needles))
        message.save(update_fields=["subject", "body_text", "body_html", "last_error"])
        changed += 1
    return changed


def _scrub_admin_log(needles: list[str]) -> int:
    """The admin's action log names what was changed ("TR-ABC123: Jane Doe"): scrub those names too."""
    if not needles:
        return 0
    condition = Q()
    for needle in needles:
        condition |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    changed = 0
    for entry in LogEntry.objects.filter(condition).iterator():
        entry.object_repr = scrub(entry.object_repr, needles)
        entry.change_message = scrub(entry.change_message, needles)
        entry.save(update_fields=["object_repr", "change_message"])
        changed += 1
    return changed


def scrub(text: str, needles: Iterable[str]) -> str:
    """``text`` with every needle (case-insensitive) replaced by "[erased]"."""
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        text = re.sub(re.escape(needle), ERASED, text or "", flags=re.IGNORECASE)
    return text


# --- Export, erasure and retention across every app -----------------------------------------------------------


def export_personal_data(*, email: str) -> dict:
    """Everything held about ``email``, by app, as JSON-able data."""
    email = normalise(email)
    data = {"email": email, "exported_at": timezone.now().isoformat(), "core": _core_export(email)}
    for personal_data in registered():
        data[personal_data.app] = personal_data.export(email)
    return data


@transaction.atomic
def erase_personal_data(*, email: str) -> dict[str, int]:
    """Erase or anonymise everything held about ``email`` in every app, history and outbox included.

    Each app anonymises what the board must keep for its reports (a booking stays as an
    anonymous place taken) and deletes the rest. Then the base deletes the subscriber and
    every email sent to the address, and scrubs the address and the person's names from
    emails to other people and from the admin's action log. One transaction: all or nothing.
    """
    email = normalise(email)
    if not email:
        raise ValueError("An email address is needed.")
    names = sorted({name.strip() for data in registered() if data.names for name in data.names(email) if name.strip()})
    counts: dict[str, int] = {}
    for personal_data in registered():
        for what, count in personal_data.erase(email).items():
            counts[f"{personal_data.app}.{what}"] = count
    _, deleted = _subscribers(email).delete()
    counts["core.subscribers"] = deleted.get(Subscriber._meta.label, 0)
    counts["core.emails_deleted"], _ = _outbox_to(email).delete()
    needles = [email, *names]
    counts["core.emails_scrubbed"] = _scrub_outbox(needles)
    counts["core.admin_log_scrubbed"] = _scrub_admin_log(needles)
    logger.info("Personal data erased on request: %s", {key: value for key, value in counts.items() if value})
    return counts


def _retain_core(now: datetime) -> dict[str, int]:
    cutoff = now - retention().unconfirmed_subscribers
    expired = Subscriber.objects.filter(confirmed_at__isnull=True).filter(
        Q(consent_at__lt=cutoff) | Q(consent_at__isnull=True, created_at__lt=cutoff)
    )
    _, deleted = expired.delete()
    return {"unconfirmed_subscribers": deleted.get(Subscriber._meta.label, 0)}


def apply_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every retention period (the daily job). Safe to run twice; each app in its own transaction."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts.update({f"core.{what}": count for what, count in _retain_core(now).items()})
    for personal_data in registered():
        if personal_data.retain is None:
            continue
        with transaction.atomic():
            for what, count in personal_data.retain(now).items():
                counts[f"{personal_data.app}.{what}"] = count
    logger.info("Retention applied: %s", {key: value for key, value in counts.items() if value})
    return counts


# --- Proof ----------------------------------------------------------------------------------------------------

_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def find_traces(*values: str) -> dict[str, int]:
    """How many rows of each model (historical ones included) hold any of ``values`` in a text or JSON column.

    Case-insensitive. Generated columns (search vectors) are not text and are skipped. For the
    erasure command's check and for tests; it reads every table, so it is not for web requests.
    """
    needles = [value for value in values if value]
    found: dict[str, int] = {}
    for model in django_apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, _TEXT_FIELDS) and not isinstance(field, models.GeneratedField)
        ]
        if not fields or not needles:
            continue
        condition = Q()
        for field in fields:
            for needle in needles:
                condition |= Q(**{f"{field.attname}__icontains": needle})
        count = model._base_manager.filter(condition).count()
        if count:
            found[model._meta.label] = count
    return found
