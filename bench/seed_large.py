"""Fill the database with a large board, for the benchmark (``make bench``).

Run as ``python -m bench.seed_large [--scale N]`` with the portal's settings and
``DATABASE_URL`` (bench/run.py does so for its large board).

At scale 1: 60 newsletter issues of 20 articles each, 2,000 training sessions
with 60,000 bookings, 300 procedure chapters with 10 published versions each
(40 update rounds), and 10,000 confirmed subscribers. Rows are written with
``bulk_create`` in batches, following each model's conventions by hand (the
plain-text columns its ``save()`` fills, published states set the way the
publish services set them, subscribers marked as already emailed so nothing is
mailed). Search vectors are generated columns, so they fill themselves.

Each part is skipped when its app's tables are missing, and when the database
already holds a large board of that kind: running it twice adds nothing.
"""

import argparse
import datetime
import itertools
import os
import random
import sys
import time

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from lscb_portal.core.links import free_slug

BATCH = 2000
SEED = 20_260_901

TOPICS = [
    ("Child sexual exploitation", "CSE", "spotting the signs of child sexual exploitation"),
    ("County lines", "criminal exploitation", "children drawn into carrying drugs between towns"),
    ("Neglect", "neglect toolkit", "recognising neglect before it becomes entrenched"),
    ("Domestic abuse", "MARAC", "the impact of domestic abuse on babies and older children"),
    ("Prevent", "radicalisation", "what to do when a young person is being drawn into extremism"),
    ("Female genital mutilation", "FGM", "the mandatory reporting duty and how to raise the subject"),
    ("Modern slavery", "National Referral Mechanism", "children trafficked for labour and criminal exploitation"),
    ("Emotional wellbeing", "mental health", "supporting children whose anxiety keeps them out of school"),
    ("Missing from home", "return interviews", "why every child reported missing is offered a return interview"),
    ("Online safety", "sexting", "sharing of nude images between young people"),
    ("Early help", "early help assessment", "offering help as soon as a family starts to struggle"),
    ("Signs of Safety", "safety planning", "working with families to build safety around a child"),
    ("Learning from case reviews", "serious case review", "what a recent review taught every agency"),
    ("Voice of the child", "direct work", "making sure children's wishes shape the plan"),
    ("Safer recruitment", "DBS checks", "keeping unsuitable people out of the children's workforce"),
    ("Peer-on-peer abuse", "harmful sexual behaviour", "responding when children harm other children"),
]
AGENCIES = [
    "Northbrook City Council",
    "Northbrook Police",
    "Northbrook Community Health NHS Trust",
    "Northbrook Integrated Care Board",
    "Northbrook Probation Service",
    "Safe Harbour Domestic Abuse Service",
    "Northbrook Youth Trust",
]
PEOPLE = [
    ("Priya Shah", "Independent Chair"),
    ("Helen Marsh", "Board Manager"),
    ("Daniel Okafor", "Chair of the Case Review Sub-group"),
    ("Ruth Ellison", "Designated Nurse for Safeguarding"),
    ("Mark Bainbridge", "Detective Inspector, Public Protection"),
    ("Aisha Karim", "Head of Early Help"),
]
SEASONS = ["Spring", "Summer", "Autumn", "Winter"]
VENUES = [
    ("Northbrook Civic Centre, Training Room 2", "Market Street\nNorthbrook", "NB1 4QT"),
    ("Riverside Conference Centre", "12 Quay Road\nNorthbrook", "NB2 7HL"),
    ("Eastgate Children's Centre", "Eastgate Lane\nNorthbrook", "NB5 1AE"),
    ("Online (Microsoft Teams)", "", ""),
]
FIRST_NAMES = ["Amy", "Ben", "Chloe", "Dev", "Emma", "Farah", "George", "Hannah", "Imran", "Jess", "Kofi", "Lucy"]
LAST_NAMES = ["Adams", "Begum", "Clarke", "Davies", "Evans", "Hussain", "Jones", "Khan", "Lewis", "Morgan", "Patel"]
ROLES = ["Social worker", "Designated safeguarding lead", "Health visitor", "School nurse", "Family support worker"]
CHAPTER_HEADINGS = ["Introduction", "Definitions", "Recognition", "Response", "Referral", "Further help"]
PLACES = ["Northbrook", "Eastgate", "Riverside", "Hillcrest"]
SETTINGS = ["Primary School", "Academy", "GP Practice", "Nursery", "Youth Club"]
SECTIONS = [
    "Responding to concerns",
    "Assessment and planning",
    "Children in specific circumstances",
    "Exploitation and harm outside the home",
    "Working with families",
    "Health and safeguarding",
    "Education settings",
    "Case reviews and learning",
    "Allegations against staff",
    "Information sharing",
]


def paragraph(topic: tuple[str, str, str], variant: int) -> str:
    name, term, about = topic
    sentences = [
        f"This article is about {about}.",
        f"Practitioners told the board that {name.lower()} is often seen late, once harm is already established.",
        f"The {term} guidance was refreshed this year after a multi-agency audit of twenty cases.",
        "The audit found good joint working at the front door, but too little direct work with children.",
        "Where the child's own words were recorded, plans were clearer and reviews happened on time.",
        "Managers should make sure supervision returns to the child's daily experience at every meeting.",
        "If you are worried about a child, speak to your designated safeguarding lead the same day.",
        "Share information early: the law allows it, and waiting rarely makes a child safer.",
    ]
    start = variant % len(sentences)
    chosen = [sentences[(start + step) % len(sentences)] for step in range(5)]
    return "<p>" + " ".join(chosen) + "</p>"


def article_body(topic: tuple[str, str, str], variant: int) -> str:
    name, term, _about = topic
    worried = "<tr><td>Referrals made late</td><td>Strong joint visits</td><td>Earlier strategy discussions</td></tr>"
    return "".join(
        [
            paragraph(topic, variant),
            "<h2>What we found</h2>",
            paragraph(topic, variant + 3),
            "<ul><li>Most referrals gave the child's view.</li><li>Chronologies were missing in a third of cases."
            "</li><li>Health and education attended every core group.</li></ul>",
            "<h2>What practitioners should do</h2>",
            "<ol><li>Read the updated chapter in the procedures manual.</li>"
            f"<li>Book a place on the {term} course.</li><li>Discuss one of your cases in supervision.</li></ol>",
            "<table><thead><tr><th>What are we worried about</th><th>What is going well</th>"
            f"<th>What do we need to do</th></tr></thead><tbody>{worried * 3}</tbody></table>",
            f"<blockquote><p>“Someone finally asked me what {name.lower()} felt like for me.”</p></blockquote>",
            "<h3>Further information</h3>",
            paragraph(topic, variant + 5),
        ]
    )


def chapter_body(topic: tuple[str, str, str], number: int, version: int) -> str:
    name, term, about = topic
    parts = []
    for section in range(1, 7):
        parts.append(f"<h2>{section}. {CHAPTER_HEADINGS[section - 1]}</h2>")
        parts.append(paragraph(topic, number + section + version))
        if section in (3, 4):
            parts.append(f"<h3>{section}.1 {name} and {term}</h3>")
            parts.append(
                f"<ul><li>Consider {about}.</li><li>Record what the child says, in their words.</li>"
                "<li>Agree who tells the family, and when.</li></ul>"
            )
    parts.append(f"<p>This version ({version}) was reviewed by the procedures sub-group.</p>")
    return "".join(parts)


def batched(items, size: int = BATCH):
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def missing_tables(*labels: str) -> list[str]:
    """The models (app_label.Model) whose model class or table is not there yet."""
    existing = set(connection.introspection.table_names())
    missing = []
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            missing.append(label)
            continue
        if model._meta.db_table not in existing:
            missing.append(label)
    return missing


def unique_codes(count: int, *, length: int, taken: set[str], rng: random.Random) -> list[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes: list[str] = []
    seen = set(taken)
    while len(codes) < count:
        code = "".join(rng.choice(alphabet) for _ in range(length))
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


class SeedRefused(Exception):
    """The database already holds part of a large board seeded at another scale."""


class LargeBoard:
    """The large board's rows at one scale: ``seed()`` adds each part that is not there yet."""

    def __init__(self, *, scale: float = 1.0, stdout=None):
        self.rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
        self.now = timezone.now()
        self.scale = scale
        self.stdout = stdout or sys.stdout

    def seed(self) -> None:
        parts = [
            ("newsletters", ("newsletters.Series", "newsletters.Issue", "newsletters.Article"), self.seed_newsletters),
            ("subscribers", ("core.Subscriber", "core.Subscription"), self.seed_subscribers),
            ("training", ("training.Course", "training.Session", "training.Booking"), self.seed_training),
            (
                "procedures",
                ("procedures.Section", "procedures.Chapter", "procedures.ChapterVersion", "procedures.UpdateRound"),
                self.seed_procedures,
            ),
        ]
        for name, labels, seed in parts:
            started = time.monotonic()
            missing = missing_tables(*labels)
            if missing:
                self.stdout.write(f"{name}: skipped, models not there yet ({', '.join(missing)})\n")
                continue
            with transaction.atomic():
                summary = seed()
            self.stdout.write(f"{name}: {summary} ({time.monotonic() - started:.1f} s)\n")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def already_seeded(self, seeded, target: int, what: str) -> bool:
        """True when a large board of this kind is there; refuses to add to a partial or differently scaled one."""
        found = seeded.count()
        if found >= target:
            return True
        if found:
            raise SeedRefused(
                f"The database holds {found:,} seeded {what}, not {target:,}: it was seeded at another scale. "
                "Seed a fresh database instead."
            )
        return False

    def count(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    # Subscribers ---------------------------------------------------------------------------------------------

    def seed_subscribers(self) -> str:
        subscriber_model = apps.get_model("core", "Subscriber")
        subscription_model = apps.get_model("core", "Subscription")
        target = self.count(10_000)
        if self.already_seeded(
            subscriber_model.objects.filter(email__endswith="@subscribers.example.org"), target, "subscribers"
        ):
            return f"already holds {target:,} seeded subscribers; nothing added"
        lists = ["procedures.updates", "training.alerts", "newsletters.series.archive-frontline-news"]
        frequencies = ["immediate", "weekly"]
        total = 0
        for chunk in batched(range(target)):
            subscribers = subscriber_model.objects.bulk_create(
                subscriber_model(
                    email=f"reader{index:05d}@subscribers.example.org",
                    confirmed_at=self.now - datetime.timedelta(days=index % 900),
                    consent_at=self.now - datetime.timedelta(days=index % 900),
                    consent_text="Send me the alerts I have chosen. I can unsubscribe at any time.",
                )
                for index in chunk
            )
            subscription_model.objects.bulk_create(
                subscription_model(
                    subscriber=subscriber,
                    list_key=list_key,
                    frequency=frequencies[(subscriber.pk + position) % 2],
                )
                for subscriber in subscribers
                for position, list_key in enumerate(lists[: 1 + subscriber.pk % len(lists)])
            )
            total += len(subscribers)
        return f"{total:,} confirmed subscribers"

    # Newsletters ---------------------------------------------------------------------------------------------

    def seed_newsletters(self) -> str:
        series_model = apps.get_model("newsletters", "Series")
        issue_model = apps.get_model("newsletters", "Issue")
        article_model = apps.get_model("newsletters", "Article")
        issues_target = self.count(60, minimum=3)
        per_issue = 20 if self.scale >= 0.1 else 4
        if self.already_seeded(
            issue_model.objects.filter(series__slug__startswith="archive-"), issues_target, "issues"
        ):
            return "already holds a large archive; nothing added"
        series_list = []
        for position, (title, frequency) in enumerate(
            [
                ("Frontline News", "Monthly"),
                ("Partnership Bulletin", "Four times a year"),
                ("Learning Briefing", "Twice a year"),
            ]
        ):
            series, _ = series_model.objects.get_or_create(
                slug=f"archive-{slugify(title)}",
                defaults={
                    "title": f"{title} (archive)",
                    "description": f"Past editions of {title}, kept for reference.",
                    "frequency": frequency,
                    "position": 50 + position,
                },
            )
            series_list.append(series)
        issues = []
        for index in range(issues_target):
            series = series_list[index % len(series_list)]
            number = index // len(series_list) + 1
            published = self.now - datetime.timedelta(days=30 * (issues_target - index))
            person, role = PEOPLE[index % len(PEOPLE)]
            foreword = (
                f"<p>Welcome to issue {number}. This edition looks at "
                f"{TOPICS[index % len(TOPICS)][2]} and at what the board has learned since the last one.</p>"
            )
            issues.append(
                issue_model(
                    series=series,
                    number=number,
                    title=f"{SEASONS[index % 4]} {published.year}",
                    status="published",
                    published_at=published,
                    subscribers_notified_at=published,
                    foreword=foreword,
                    foreword_text=_plain(foreword),
                    foreword_by=person,
                    foreword_role=role,
                )
            )
        issues = issue_model.objects.bulk_create(issues, batch_size=BATCH)
        articles = []
        for issue_index, issue in enumerate(issues):
            for position in range(per_issue):
                topic = TOPICS[(issue_index + position) % len(TOPICS)]
                body = article_body(topic, issue_index + position)
                title = f"{topic[0]}: {topic[2][0].upper()}{topic[2][1:]}"
                articles.append(
                    article_model(
                        issue=issue,
                        position=position,
                        title=title[:200],
                        slug=f"{slugify(topic[0])}-{position + 1}",
                        summary=f"What every practitioner needs to know about {topic[2]}.",
                        body=body,
                        body_text=_plain(body),
                        headings_text=_headings(body),
                        author_name=PEOPLE[position % len(PEOPLE)][0],
                        author_role=PEOPLE[position % len(PEOPLE)][1],
                        author_agency=AGENCIES[position % len(AGENCIES)],
                    )
                )
        created = article_model.objects.bulk_create(articles, batch_size=500)
        self.tag_articles(created)
        return f"{len(issues)} published issues in {len(series_list)} series, {len(created):,} articles"

    def tag_articles(self, articles) -> None:
        try:
            tag_model = apps.get_model("taggit", "Tag")
            tagged_model = apps.get_model("taggit", "TaggedItem")
        except LookupError:
            return
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(apps.get_model("newsletters", "Article"))
        tags = {}
        for name, _term, _about in TOPICS:
            tag = tag_model.objects.filter(name__iexact=name).first() or tag_model.objects.create(
                name=name, slug=slugify(name)
            )
            tags[name] = tag
        tagged_model.objects.bulk_create(
            (
                tagged_model(
                    tag=tags[TOPICS[(index + offset) % len(TOPICS)][0]],
                    content_type=content_type,
                    object_id=article.pk,
                )
                for index, article in enumerate(articles)
                for offset in (0, 5)
            ),
            batch_size=BATCH,
        )

    # Training ------------------------------------------------------------------------------------------------

    def seed_training(self) -> str:
        course_model = apps.get_model("training", "Course")
        session_model = apps.get_model("training", "Session")
        booking_model = apps.get_model("training", "Booking")
        organisation_model = apps.get_model("core", "Organisation")
        from training.models import default_booking_closes

        sessions_target = self.count(2000, minimum=4)
        bookings_target = self.count(60_000, minimum=20)
        if self.already_seeded(
            session_model.objects.filter(course__slug__startswith="large-"), sessions_target, "sessions"
        ):
            return "already holds a large programme; nothing added"

        organisations = []
        for index in range(self.count(200, minimum=5)):
            name = f"{PLACES[index % 4]} {SETTINGS[index % 5]} {index + 1}"
            organisations.append(
                organisation_model(name=name, sector="education" if index % 5 < 2 else "other", verified=True)
            )
        organisation_model.objects.bulk_create(organisations, batch_size=BATCH, ignore_conflicts=True)
        organisation_ids = list(
            organisation_model.objects.filter(name__in=[o.name for o in organisations]).values_list("pk", flat=True)
        )

        courses = []
        for index in range(self.count(40, minimum=2)):
            topic = TOPICS[index % len(TOPICS)]
            level = ["foundation", "intermediate", "advanced"][index % 3]
            title = f"{topic[0]}: {['an introduction', 'working together', 'advanced practice'][index % 3]}"
            aims = f"<p>To help practitioners understand {topic[2]}.</p>"
            outcomes = f"<ul><li>Recognise {topic[1]}.</li><li>Know how to refer.</li></ul>"
            courses.append(
                course_model(
                    title=f"{title} ({index + 1})",
                    slug=f"large-{slugify(title)}-{index + 1}",
                    summary=f"A {['half-day', 'full-day'][index % 2]} course on {topic[2]}.",
                    aims=aims,
                    aims_text=_plain(aims),
                    learning_outcomes=outcomes,
                    outcomes_text=_plain(outcomes),
                    level=level,
                    length=["half_day", "full_day"][index % 2],
                    is_published=True,
                )
            )
        courses = course_model.objects.bulk_create(courses, batch_size=BATCH)

        # Sessions from two years ago to a year ahead, mornings and afternoons.
        sessions = []
        first_day = timezone.localdate() - datetime.timedelta(days=730)
        for index in range(sessions_target):
            day = first_day + datetime.timedelta(days=(index * 1095) // sessions_target)
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            hour = 9 if index % 2 == 0 else 13
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))
            venue = VENUES[index % len(VENUES)]
            sessions.append(
                session_model(
                    course=courses[index % len(courses)],
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=3, minutes=30),
                    venue_name=venue[0],
                    venue_address=venue[1],
                    venue_postcode=venue[2],
                    trainers="Tomasz Nowak, Grace Adeyemi",
                    capacity=[20, 24, 30, 40][index % 4],
                    places_per_organisation=3 if index % 7 == 0 else None,
                    booking_closes_at=default_booking_closes(starts),
                )
            )
        sessions = session_model.objects.bulk_create(sessions, batch_size=BATCH)
        # Each on one date: its one part is its own span.
        part_model = apps.get_model("training", "SessionPart")
        part_model.objects.bulk_create(
            [part_model(session=s, starts_at=s.starts_at, ends_at=s.ends_at) for s in sessions], batch_size=BATCH
        )

        per_session = bookings_target // len(sessions)
        extra = bookings_target - per_session * len(sessions)
        taken = set(booking_model.objects.values_list("reference", flat=True))
        references = iter(
            unique_codes(bookings_target, length=6, taken={r.removeprefix("TR-") for r in taken}, rng=self.rng)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval('training_booking_lock_order') FROM generate_series(1, %s)", [bookings_target]
            )
            sequences = iter(sorted(row[0] for row in cursor.fetchall()))

        def bookings():
            for index, session in enumerate(sessions):
                wanted = per_session + (1 if index < extra else 0)
                past = session.starts_at < self.now
                for place in range(wanted):
                    first, last = FIRST_NAMES[place % len(FIRST_NAMES)], LAST_NAMES[(place + index) % len(LAST_NAMES)]
                    if place >= session.capacity:
                        status = "cancelled" if past else "waiting"
                    elif place % 17 == 16:
                        status = "cancelled"
                    elif past:
                        status = "did_not_attend" if place % 11 == 10 else "attended"
                    else:
                        status = "confirmed"
                    created = session.starts_at - datetime.timedelta(days=40 - place % 30)
                    yield booking_model(
                        reference=f"TR-{next(references)}",
                        session=session,
                        sequence=next(sequences),
                        attendee_name=f"{first} {last}",
                        email=f"{first.lower()}.{last.lower()}.{index}.{place}@agency.example.org",
                        organisation_id=organisation_ids[(index + place) % len(organisation_ids)],
                        role=ROLES[place % len(ROLES)],
                        status=status,
                        cancel_reason="attendee" if status == "cancelled" else "",
                        cancelled_at=created + datetime.timedelta(days=3) if status == "cancelled" else None,
                        created_at=created,
                        confirmed_at=created if status in ("confirmed", "attended", "did_not_attend") else None,
                    )

        total = 0
        for chunk in batched(bookings()):
            booking_model.objects.bulk_create(chunk)
            total += len(chunk)
        return f"{len(courses)} courses, {len(sessions):,} sessions, {total:,} bookings"

    # Procedures ----------------------------------------------------------------------------------------------

    def seed_procedures(self) -> str:
        section_model = apps.get_model("procedures", "Section")
        chapter_model = apps.get_model("procedures", "Chapter")
        version_model = apps.get_model("procedures", "ChapterVersion")
        round_model = apps.get_model("procedures", "UpdateRound")
        amendment_model = apps.get_model("procedures", "Amendment")
        from procedures.anchors import add_heading_anchors, heading_text

        chapters_target = self.count(300, minimum=4)
        per_chapter = 10 if self.scale >= 0.1 else 3
        rounds_count = per_chapter * 4
        if self.already_seeded(chapter_model.objects.filter(slug__startswith="large-"), chapters_target, "chapters"):
            return "already holds a large manual; nothing added"

        sections = [
            section_model.objects.get_or_create(
                slug=f"large-{slugify(title)}", defaults={"title": title, "position": 50 + position}
            )[0]
            for position, title in enumerate(SECTIONS)
        ]
        # Update rounds twice a year, oldest first, all before the existing ones so the demo's stay latest.
        earliest = (
            round_model.objects.published().order_by("published_at").values_list("published_at", flat=True).first()
        )
        last = min(earliest or self.now, self.now) - datetime.timedelta(days=62)
        titles = set(round_model.objects.values_list("title", flat=True))
        slugs = set(round_model.objects.exclude(slug=None).values_list("slug", flat=True))
        rounds = []
        for number in range(rounds_count):
            published_at = last - datetime.timedelta(days=182 * (rounds_count - 1 - number))
            title = f"{published_at:%B %Y} update"
            title = title if title not in titles else f"{title} ({number + 1})"
            # Each published round has its own address, as publishing gives it (UpdateRound.save).
            slug = free_slug(slugify(title)[:120].strip("-"), slugs)
            slugs.add(slug)
            rounds.append(
                round_model(
                    title=title,
                    slug=slug,
                    introduction="Chapters updated in this round, and what changed in each.",
                    published_at=published_at,
                )
            )
        rounds = round_model.objects.bulk_create(rounds)
        chapters = chapter_model.objects.bulk_create(
            chapter_model(
                section=sections[index % len(sections)],
                position=index // len(sections),
                title=f"{TOPICS[index % len(TOPICS)][0]}: practice guidance {index + 1}",
                slug=f"large-{slugify(TOPICS[index % len(TOPICS)][0])}-{index + 1}",
                status="draft",
                created_at=rounds[0].published_at,
            )
            for index in range(chapters_target)
        )
        taken_codes = set(version_model.objects.exclude(print_code=None).values_list("print_code", flat=True))
        codes = iter(unique_codes(chapters_target * per_chapter, length=8, taken=taken_codes, rng=self.rng))
        versions, amendments, latest = [], [], {}
        for index, chapter in enumerate(chapters):
            topic = TOPICS[index % len(TOPICS)]
            # Each chapter appears in every fourth round, so a round amends a quarter of the manual.
            chosen = [number for number in range(rounds_count) if (number + index) % 4 == 0][:per_chapter]
            previous = ""
            for version_number, round_number in enumerate(chosen, start=1):
                body = add_heading_anchors(chapter_body(topic, index, version_number), previous=previous)
                previous = body
                version = version_model(
                    chapter=chapter,
                    update_round=rounds[round_number],
                    title=chapter.title,
                    slug=chapter.slug,
                    summary=f"How agencies respond to {topic[2]}.",
                    body=body,
                    body_text=_plain(body),
                    headings_text=heading_text(body),
                    key_words=f"{topic[0]}, {topic[1]}",
                    status="current",
                    number=version_number,
                    print_code=next(codes),
                    created_at=rounds[round_number].published_at,
                )
                versions.append(version)
                amendments.append(
                    amendment_model(
                        update_round=rounds[round_number],
                        chapter=chapter,
                        kind="new" if version_number == 1 else "updated",
                        details=(
                            "New chapter."
                            if version_number == 1
                            else f"Section {1 + version_number % 6} has been updated to reflect revised guidance."
                        ),
                        sections_affected="throughout" if version_number == 1 else str(1 + version_number % 6),
                        major=version_number % 3 == 0,
                        previous_title="" if version_number == 1 else chapter.title,
                        position=index,
                    )
                )
                latest[chapter.pk] = (version, amendments[-1], rounds[round_number].published_at)
        version_model.objects.bulk_create(versions, batch_size=500)
        amendment_model.objects.bulk_create(amendments, batch_size=BATCH)
        for chapter in chapters:
            version, amendment, published_at = latest[chapter.pk]
            chapter.status = "current"
            chapter.current_version = version
            chapter.last_amendment = amendment
            chapter.updated_at = published_at
        chapter_model.objects.bulk_update(
            chapters, ["status", "current_version", "last_amendment", "updated_at"], batch_size=BATCH
        )
        return (
            f"{len(chapters)} chapters in {len(sections)} sections, {len(versions):,} versions, "
            f"{len(rounds)} update rounds, {len(amendments):,} amendments"
        )


def _plain(html: str) -> str:
    from lscb_portal.core.richtext import plain_text

    return plain_text(html)


def _headings(html: str) -> str:
    from lscb_portal.core.richtext import heading_text

    return heading_text(html)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed_large", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count (tests use a small fraction).")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb_portal.settings")
    import django

    django.setup()
    try:
        LargeBoard(scale=options.scale).seed()
    except SeedRefused as refused:
        sys.stderr.write(f"{refused}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
