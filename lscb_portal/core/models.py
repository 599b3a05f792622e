import difflib

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from simple_history.models import HistoricalRecords
from solo.models import SingletonModel


def read_singleton(model: type[SingletonModel]):
    """A django-solo singleton's row by a plain read, created with its defaults only when it is missing.

    ``get_solo()`` runs a ``get_or_create`` on every call; on pages read thousands of times the row
    exists on every board but a brand-new one.
    """
    try:
        return model.objects.get(pk=model.singleton_instance_id)
    except model.DoesNotExist:
        return model.get_solo()


# The website's colour too (frontend/scss/portal.scss).
DEFAULT_BRAND_COLOUR = "#0b4f6c"


class BoardSettings(SingletonModel):
    """The board's identity: everything the shell shows comes from here, never from code."""

    name = models.CharField(max_length=150, default="Safeguarding Children Partnership")
    short_name = models.CharField(max_length=20, default="SCP", help_text="Used where space is short, e.g. LSCB.")
    kind = models.CharField(
        max_length=60,
        default="Safeguarding Children Partnership",
        help_text='What the board calls itself: "Safeguarding Children Board" or "Safeguarding Children Partnership".',
    )
    area = models.CharField(max_length=100, blank=True, help_text="The area the board covers, e.g. Northbrook.")
    address = models.TextField(blank=True, help_text="The board office's postal address, one part per line.")
    phone = models.CharField("office phone", max_length=40, blank=True)
    office_email = models.EmailField(blank=True)
    secure_email = models.EmailField(
        blank=True, help_text="For sending personal information about a child (a secure mail address)."
    )
    referral_service_name = models.CharField(
        max_length=100,
        default="Children's Front Door",
        help_text="The service practitioners call with a concern: the front door or MASH.",
    )
    referral_phone = models.CharField(max_length=40, blank=True)
    out_of_hours_phone = models.CharField(max_length=40, blank=True)
    referral_note = models.CharField(
        max_length=255,
        blank=True,
        default="If a child is in immediate danger, call the police on 999.",
        help_text="Shown under the referral numbers on every page.",
    )
    x_url = models.URLField("X (Twitter) page", blank=True)
    facebook_url = models.URLField("Facebook page", blank=True)
    linkedin_url = models.URLField("LinkedIn page", blank=True)
    youtube_url = models.URLField("YouTube channel", blank=True)
    data_protection_email = models.EmailField(
        blank=True, help_text="Where people ask for a copy of their data or for it to be erased."
    )
    accessibility_reviewed = models.DateField(
        null=True, blank=True, help_text="When the accessibility statement was last reviewed."
    )
    logo = models.ImageField(
        upload_to="board/",
        blank=True,
        help_text="A PNG or JPEG printed at the top of certificates, registers and newsletter PDFs.",
    )
    brand_colour = models.CharField(
        "colour",
        max_length=7,
        default=DEFAULT_BRAND_COLOUR,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits, e.g. #0b4f6c.")],
        help_text="The board's colour on its documents, as # and six hex digits. Rebuild the newsletter PDFs "
        "after changing it or the logo (see the README).",
    )
    training_lead_name = models.CharField(
        max_length=120, blank=True, help_text="Signs the certificates of attendance, e.g. Sam Patel."
    )
    training_lead_role = models.CharField(
        max_length=150, blank=True, help_text="Their role under the name, e.g. Learning and Development Manager."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "board settings"
        verbose_name_plural = "board settings"

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("X (Twitter)", self.x_url),
            ("Facebook", self.facebook_url),
            ("LinkedIn", self.linkedin_url),
            ("YouTube", self.youtube_url),
        ]
        return [(label, url) for label, url in links if url]


class BoardContact(models.Model):
    """A named person or team on the contact page (Board Manager, training team, …)."""

    board = models.ForeignKey(BoardSettings, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class Sector(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    EARLY_YEARS = "early_years", "Early years"
    VOLUNTARY = "voluntary", "Voluntary and community"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"


# Words that do not tell two organisations apart: "Riverside Primary" is "Riverside Primary School" and,
# once converted, "Riverside Academy". Kept short on purpose: "Infant" and "Junior", "CE" and "Catholic"
# do tell schools apart.
NAME_NOISE_WORDS = ("the", "school", "academy", "primary")
# How alike two names must be (difflib's ratio, 0 to 1) for one to be suggested for the other.
CLOSE_SPELLING = 0.85


def _regexp_replace(text, pattern: str, replacement: str) -> Func:
    return Func(text, Value(pattern), Value(replacement), Value("g"), function="regexp_replace")


def organisation_name_key(name) -> Func:
    """An organisation's name as it is matched, in SQL: lower case, no punctuation, no noise words.

    "St. Anne's Primary School" and "st annes primary" both give "st annes". The one definition, used
    for the stored ``Organisation.name_key`` (a generated column) and for the names bookers type.
    """
    text = _regexp_replace(Lower(name), "['’`]", "")
    text = _regexp_replace(text, "[^[:alnum:]]+", " ")
    text = _regexp_replace(text, r"\m(" + "|".join(NAME_NOISE_WORDS) + r")\M", "")
    text = _regexp_replace(text, " +", " ")
    return Trim(text, output_field=models.CharField())


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified=True, merged_into__isnull=True)

    def same_as(self, organisation: "Organisation"):
        """The organisation and every record that is the same organisation by another name: those whose
        names match loosely (``name_key``) and those merged into it. Caps per organisation count them all."""
        same = Q(pk=organisation.pk) | Q(merged_into=organisation.pk)
        if organisation.name_key:
            same |= Q(name_key=organisation.name_key)
        return self.filter(same)

    def similar_to(self, name: str, *, limit: int = 4) -> list["Organisation"]:
        """Organisations whose names match ``name`` loosely or are spelt closely like it, likeliest first
        (verified before unverified). None when ``name`` is an organisation's own name, ignoring case.

        One query: every record not merged away, each with the typed name's key beside its own.
        """
        name = " ".join((name or "").split())
        if not name:
            return []
        rows = list(
            self.filter(merged_into__isnull=True)
            .annotate(typed_key=organisation_name_key(Value(name)))
            .only("pk", "name", "name_key", "verified")
        )
        if any(row.name.lower() == name.lower() for row in rows):
            return []
        scored = []
        for row in rows:
            same = bool(row.typed_key) and row.name_key == row.typed_key
            closeness = max(
                difflib.SequenceMatcher(None, row.typed_key, row.name_key).ratio(),
                difflib.SequenceMatcher(None, name.lower(), row.name.lower()).ratio(),
            )
            if same or closeness >= CLOSE_SPELLING:
                scored.append((not same, not row.verified, -closeness, row.name, row))
        return [row for *_, row in sorted(scored, key=lambda item: item[:4])[:limit]]


class Organisation(models.Model):
    """One list of agencies, shared by training and the board's reports.

    A name typed by a booker that is not on the list is kept unverified until
    an administrator checks it or merges it into the right record.
    """

    name = models.CharField(max_length=200)
    # Maintained by Postgres: the name as it is matched (``organisation_name_key``).
    name_key = models.GeneratedField(
        expression=organisation_name_key("name"), output_field=models.CharField(max_length=200), db_persist=True
    )
    sector = models.CharField(max_length=20, choices=Sector, default=Sector.OTHER)
    is_partner = models.BooleanField(
        default=True,
        help_text="Partner agencies pay the partner rate under the charging policy. Organisations typed by "
        "bookers start as non-partners until you confirm them.",
    )
    verified = models.BooleanField(default=False)
    training_contact_email = models.EmailField(
        blank=True,
        max_length=254,
        help_text="The agency's training contact: told when training places become available.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The key follows the name, which the history keeps.
    history = HistoricalRecords(excluded_fields=["name_key"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="core_organisation_unique_name")]
        indexes = [models.Index(fields=["name_key"], name="core_organisation_name_key")]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """Someone who asked for email alerts. Nothing is sent until they confirm."""

    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_text = models.TextField(blank=True, help_text="The wording the subscriber agreed to.")
    consent_at = models.DateTimeField(null=True, blank=True)
    # Bumped to invalidate every link sent before (unsubscribe from all, erasure).
    token_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="core_subscriber_unique_email")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As it happens"
    WEEKLY = "weekly", "Weekly digest"


class Subscription(models.Model):
    """A subscriber's choice of one list (a key an app registered), and how often."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    list_key = models.CharField(max_length=120)
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.IMMEDIATE)
    major_only = models.BooleanField(default=False, help_text="Only major changes (lists that offer it).")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["list_key"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "list_key"], name="core_subscription_unique_list")
        ]
        indexes = [models.Index(fields=["list_key", "frequency"], name="core_subscription_list")]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.list_key}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """An email, written in the same transaction as the action that causes it.

    A job sends it; a periodic sweep re-queues rows left pending or stuck in
    sending, so nothing is lost (delivery is at least once).
    """

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="List of {filename, content, mimetype}; content is text or base64."
    )
    # What caused it: a list key or an app's event name. Used for reports and erasure.
    category = models.CharField(max_length=120, blank=True)
    # A unique key makes a message idempotent: the same event never mails someone twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=OutboxStatus, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "email"
        verbose_name_plural = "email outbox"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due"),
            models.Index(fields=["to"], name="core_outbox_to"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class RateLimitCounter(models.Model):
    """Hits in one fixed window for one bucket (a form and an email or IP address)."""

    bucket = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "window_start"], name="core_ratelimit_unique_window")]
        indexes = [models.Index(fields=["window_start"], name="core_ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class WorkerHeartbeat(models.Model):
    """One row per worker name, touched by a periodic job; /healthz reports its age."""

    worker = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.worker


class ContentChange(models.Model):
    """One row for each committed transaction that changed something the public pages show in an area.

    Written by a database trigger (``core.pagecache``), never by Python. The sum of
    ``weight`` over an area's rows is that area's version, which the page cache checks
    its copies against; compacting folds an area's rows into one without changing the sum.
    """

    area = models.CharField(max_length=40)
    weight = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content change"
        indexes = [models.Index(fields=["area"], include=["weight"], name="core_contentchange_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.weight} change(s) at {self.changed_at:%Y-%m-%d %H:%M:%S}"
