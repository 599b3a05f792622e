"""Email alerts: the lists the apps register, the people who subscribe to them, and the mail they get.

The base imports no app. Each app registers its lists in ``AppConfig.ready()``::

    from lscb_portal.core import subscriptions

    subscriptions.register_list(
        subscriptions.MailingList(
            key="procedures.updates",
            title="Procedures manual updates",
            supports_major_only=True,
            digest=procedures_digest_part,
        )
    )

or, for lists that come from the database (one per newsletter series), a provider
that is called whenever the lists are needed::

    subscriptions.register_list_provider(series_lists)

An app that has news for a list calls ``notify(list_key=..., event_key=..., build=...)``
inside the transaction that makes the news; the weekly digest job asks each list's
``digest`` for its part of the week's email.

Someone subscribes with ``subscribe()``; nothing is sent to them until they follow the
confirmation link (double opt-in). Every link is signed (``core.signing``) with the
subscriber's ``token_version``: unsubscribing from everything bumps it, so no link sent
before still works.

The modules: ``registry`` (the lists), ``links`` (signed links), ``services`` (subscribing
and unsubscribing), ``sending`` (immediate alerts) and ``digest`` (the weekly email).
Callers import from here (``from lscb_portal.core import subscriptions``).
"""

from .digest import digest_dedupe_prefix, digest_window, run_weekly_digest, send_weekly_digests
from .links import (
    CONFIRM_LINK_LIFETIME,
    CONFIRM_PURPOSE,
    MANAGE_LINK_LIFETIME,
    MANAGE_PURPOSE,
    StaleLink,
    confirm_token,
    confirm_url,
    manage_token,
    manage_url,
    subscriber_from_token,
    unsubscribe_url,
)
from .registry import (
    DigestPart,
    ListGroup,
    MailingList,
    all_lists,
    get_list,
    group_title,
    list_groups,
    list_title,
    register_list,
    register_list_provider,
    unregister_list,
)
from .sending import Audience, EmailContent, audience, notify, unsubscribe_headers
from .services import (
    EMAIL_MAX_LENGTH,
    confirm,
    normalise_email,
    purge_stale_subscribers,
    send_manage_link,
    subscribe,
    unsubscribe,
    update_preferences,
)

__all__ = [
    "Audience",
    "audience",
    "CONFIRM_LINK_LIFETIME",
    "CONFIRM_PURPOSE",
    "EMAIL_MAX_LENGTH",
    "MANAGE_LINK_LIFETIME",
    "MANAGE_PURPOSE",
    "DigestPart",
    "EmailContent",
    "ListGroup",
    "MailingList",
    "StaleLink",
    "all_lists",
    "confirm",
    "confirm_token",
    "confirm_url",
    "digest_dedupe_prefix",
    "digest_window",
    "get_list",
    "group_title",
    "list_groups",
    "list_title",
    "manage_token",
    "manage_url",
    "normalise_email",
    "notify",
    "purge_stale_subscribers",
    "register_list",
    "register_list_provider",
    "run_weekly_digest",
    "send_manage_link",
    "send_weekly_digests",
    "subscribe",
    "subscriber_from_token",
    "unregister_list",
    "unsubscribe",
    "unsubscribe_headers",
    "unsubscribe_url",
    "update_preferences",
]
