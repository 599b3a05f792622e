"""Subscribing, confirming, changing and stopping alerts, and forgetting stale sign-ups."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .. import outbox
from ..errors import Refused
from ..links import absolute_url
from ..models import BoardSettings, Frequency, Subscriber, Subscription
from .links import (
    CONFIRM_LINK_LIFETIME,
    CONFIRM_PURPOSE,
    MANAGE_LINK_LIFETIME,
    confirm_url,
    manage_token,
    manage_url,
    subscriber_from_token,
)
from .registry import MailingList, all_lists

EMAIL_MAX_LENGTH = 254


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _validated_choices(list_keys: Iterable[str], frequency: str) -> tuple[list[MailingList], str]:
    keys = list(dict.fromkeys(key for key in list_keys if key))
    if not keys:
        raise Refused("Select at least one email alert.", code="no_lists")
    known = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise Refused("Select email alerts from the list.", code="unknown_list")
    if frequency not in Frequency.values:
        raise Refused("Select how often you want to get alerts.", code="unknown_frequency")
    return [known[key] for key in keys], frequency


def _replace_subscriptions(
    subscriber: Subscriber, lists: list[MailingList], *, frequency: str, major_only: bool
) -> None:
    keys = [mailing_list.key for mailing_list in lists]
    subscriber.subscriptions.exclude(list_key__in=keys).delete()
    existing = {subscription.list_key: subscription for subscription in subscriber.subscriptions.all()}
    to_create, to_update = [], []
    for mailing_list in lists:
        wanted_major_only = bool(major_only and mailing_list.supports_major_only)
        subscription = existing.get(mailing_list.key)
        if subscription is None:
            to_create.append(
                Subscription(
                    subscriber=subscriber,
                    list_key=mailing_list.key,
                    frequency=frequency,
                    major_only=wanted_major_only,
                )
            )
        elif subscription.frequency != frequency or subscription.major_only != wanted_major_only:
            subscription.frequency = frequency
            subscription.major_only = wanted_major_only
            to_update.append(subscription)
    Subscription.objects.bulk_create(to_create)
    Subscription.objects.bulk_update(to_update, ["frequency", "major_only"])


def _find_subscriber(email: str, *, for_update: bool = False) -> Subscriber | None:
    queryset = Subscriber.objects.select_for_update() if for_update else Subscriber.objects.all()
    return queryset.alias(email_lower=Lower("email")).filter(email_lower=email).first()


def _email_context(**extra) -> dict:
    return {"board": BoardSettings.get_solo(), "alerts_url": absolute_url(reverse("pages:alerts")), **extra}


def _queue_rendered(*, to: str, template: str, context: dict, category: str, headers: dict | None = None) -> None:
    subject = render_to_string(f"core/email/{template}_subject.txt", context)
    outbox.queue_email(
        to=to,
        subject=" ".join(subject.split()),
        text=render_to_string(f"core/email/{template}.txt", context),
        html=render_to_string(f"core/email/{template}.html", context),
        category=category,
        headers=headers,
    )


@transaction.atomic
def subscribe(
    *, email: str, list_keys: Iterable[str], frequency: str, major_only: bool, consent_text: str
) -> Subscriber:
    """Ask for alerts: record the choice and consent, and email a confirmation link (double opt-in).

    Someone already confirmed gets an email with a link to manage their alerts instead, and nothing
    changes until they use it, so nobody can change another person's alerts. The caller should say
    the same thing either way ("check your email") so that the page does not reveal who subscribes.
    """
    email = normalise_email(email)
    if not email or len(email) > EMAIL_MAX_LENGTH:
        raise Refused("Enter an email address in the correct format, like name@example.com.", code="email")
    lists, frequency = _validated_choices(list_keys, frequency)

    subscriber = _find_subscriber(email, for_update=True)
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email)
        except IntegrityError:  # the same address, sent twice at once
            subscriber = _find_subscriber(email, for_update=True)

    if subscriber.is_confirmed:
        token = manage_token(subscriber, max_age=MANAGE_LINK_LIFETIME)
        _queue_rendered(
            to=subscriber.email,
            template="already_subscribed",
            context=_email_context(manage_url=manage_url(subscriber, token=token), lists=lists),
            category="alerts.already_subscribed",
        )
        return subscriber

    subscriber.consent_text = consent_text
    subscriber.consent_at = timezone.now()
    subscriber.save(update_fields=["consent_text", "consent_at"])
    _replace_subscriptions(subscriber, lists, frequency=frequency, major_only=major_only)
    _queue_confirmation(subscriber, lists=lists, frequency=frequency)
    return subscriber


def _queue_confirmation(subscriber: Subscriber, *, lists: list[MailingList], frequency: str) -> None:
    _queue_rendered(
        to=subscriber.email,
        template="confirm",
        context=_email_context(
            confirm_url=confirm_url(subscriber),
            lists=lists,
            frequency_label=Frequency(frequency).label,
            lifetime_days=CONFIRM_LINK_LIFETIME.days,
        ),
        category="alerts.confirm",
    )


@transaction.atomic
def confirm(*, token: str) -> Subscriber:
    """Follow a confirmation link: from now on the subscriber gets alerts. Confirming twice is harmless."""
    subscriber = subscriber_from_token(CONFIRM_PURPOSE, token, for_update=True)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def update_preferences(*, subscriber: Subscriber, list_keys: Iterable[str], frequency: str, major_only: bool) -> None:
    """Replace a subscriber's lists, frequency and major-changes-only choice."""
    lists, frequency = _validated_choices(list_keys, frequency)
    # One change at a time per subscriber: two tabs saving at once must not interleave.
    Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _replace_subscriptions(subscriber, lists, frequency=frequency, major_only=major_only)


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, list_key: str | None = None) -> int:
    """Stop one list's alerts, or (``list_key=None``) all of them; return how many subscriptions ended.

    Unsubscribing from everything also withdraws the confirmation and bumps ``token_version``,
    so every link sent before dies; the address is deleted by the daily purge.
    """
    if list_key is not None:
        deleted, _ = subscriber.subscriptions.filter(list_key=list_key).delete()
        return deleted
    deleted, _ = subscriber.subscriptions.all().delete()
    subscriber.token_version += 1
    subscriber.confirmed_at = None
    subscriber.save(update_fields=["token_version", "confirmed_at"])
    return deleted


@transaction.atomic
def send_manage_link(*, email: str) -> None:
    """Email a link to manage alerts, or a new confirmation link to someone who never confirmed.

    An address we do not know gets nothing; the page says the same thing either way.
    """
    subscriber = _find_subscriber(normalise_email(email))
    if subscriber is None:
        return
    if subscriber.is_confirmed:
        token = manage_token(subscriber, max_age=MANAGE_LINK_LIFETIME)
        _queue_rendered(
            to=subscriber.email,
            template="manage_link",
            context=_email_context(
                manage_url=manage_url(subscriber, token=token), lifetime_days=MANAGE_LINK_LIFETIME.days
            ),
            category="alerts.manage_link",
        )
        return
    subscriptions = list(subscriber.subscriptions.all())
    if not subscriptions:
        return
    known = {mailing_list.key: mailing_list for mailing_list in all_lists()}
    lists = [known[sub.list_key] for sub in subscriptions if sub.list_key in known]
    if lists:
        _queue_confirmation(subscriber, lists=lists, frequency=subscriptions[0].frequency)


def purge_stale_subscribers(*, now: datetime | None = None) -> int:
    """Delete sign-ups left unconfirmed past their retention period, and addresses with no alerts left.

    The period is PRIVACY_UNCONFIRMED_SUBSCRIBERS_KEPT_DAYS, the one the privacy notice states.
    """
    from ..privacy import retention

    cutoff = (now or timezone.now()) - timedelta(days=retention().unconfirmed_subscribers_days)
    unconfirmed_expired = Q(confirmed_at__isnull=True) & (
        Q(consent_at__lt=cutoff) | Q(consent_at__isnull=True, created_at__lt=cutoff)
    )
    stale = Subscriber.objects.annotate(subscription_count=Count("subscriptions")).filter(
        unconfirmed_expired | Q(subscription_count=0)
    )
    _, deleted = Subscriber.objects.filter(pk__in=stale.values("pk")).delete()
    return deleted.get(Subscriber._meta.label, 0)
