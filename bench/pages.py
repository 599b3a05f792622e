"""Choose the pages to load on one board: ``python -m bench.pages`` prints them as JSON.

Run with the portal's settings and the board's DATABASE_URL. Each page is read
through the apps' own "what the public may see" QuerySet methods, so the
benchmark loads pages a reader could really reach. A page whose app has no
models (or no data) yet is listed with a note instead of a path.
"""

import json
import os
import random
import sys

# The wrk pages "search" and "search phrase" each repeat one query. The one-at-a-time search
# timing (bench/run.py ``time_searches``) asks every query only once instead, so that it measures
# the search and not a page cache: a subject practitioners search for, alone or with one of the
# words they add to narrow it down.
SEARCH_TOPICS = [
    "neglect",
    "county lines",
    "domestic abuse",
    "early help assessment",
    "child sexual exploitation",
    "missing from home",
    "online safety",
    "Prevent radicalisation",
    "safer recruitment",
    "female genital mutilation",
    "FGM",
    "modern slavery",
    "MARAC",
    "criminal exploitation",
    "return interviews",
    "sexting",
    "serious case review",
    "voice of the child",
    "DBS checks",
    "harmful sexual behaviour",
    "peer-on-peer abuse",
    "mental health",
    "emotional wellbeing",
    "signs of safety",
    "safety planning",
    "direct work",
    "National Referral Mechanism",
    "extremism",
    "trafficked children",
    "nude images",
]
SEARCH_CONTEXTS = [
    "referral",
    "supervision",
    "school",
    "police",
    "health visitor",
    "babies",
    "anxiety",
    "chronology",
    "core group",
    "strategy discussion",
    "information sharing",
    "designated safeguarding lead",
    "audit",
    "course",
    "guidance",
    "assessment",
    "family",
    "plan",
    "review",
    "agency",
    "young people",
    "practitioners",
    "record",
    "managers",
    "worried",
]


def distinct_search_queries(count: int, *, seed: int = 2018) -> list[str]:
    """``count`` different queries, in the same order on every run; ValueError if there are not that many.

    Each topic with each narrowing word ("neglect supervision", "county lines police"),
    shuffled so that topics and lengths mix; none is a query of the wrk pages.
    """
    queries = [f"{topic} {context}" for topic in SEARCH_TOPICS for context in SEARCH_CONTEXTS]
    if count > len(queries):
        raise ValueError(f"only {len(queries)} distinct search queries; ask for fewer search requests")
    random.Random(seed).shuffle(queries)  # noqa: S311 - a fixed order, not a secret
    return queries[:count]


# The pages the issue names, in the order they are loaded.
PAGE_NAMES = ["home", "issue", "article", "programme", "session", "chapter", "amendments", "search", "search phrase"]
# The pages loaded while training takes commits (bench/run.py), each with what it shows, which sets its
# target (bench/report.py's WRITE_LOAD_MIN_KEPT): the issue and home pages list sessions with places.
WRITE_LOAD_PAGES = [
    ("newsletters", "newsletters"),
    ("article", "newsletters"),
    ("chapter", "procedures"),
    ("amendments", "procedures"),
    ("programme", "places"),
    ("session", "places"),
    ("issue", "places"),
    ("home", "places"),
]


def choose() -> list[dict]:
    from django.apps import apps
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    pages: list[dict] = []

    def add(name: str, find) -> None:
        try:
            path = find()
        except (LookupError, NoReverseMatch, AttributeError) as exc:
            pages.append({"page": name, "path": None, "note": f"not available yet ({exc.__class__.__name__}: {exc})"})
            return
        if path:
            pages.append({"page": name, "path": path, "note": ""})
        else:
            pages.append({"page": name, "path": None, "note": "no published content on this board"})

    def latest_issue():
        issue_model = apps.get_model("newsletters", "Issue")
        return issue_model.objects.published().in_reading_order().select_related("series").first()

    def issue_path():
        issue = latest_issue()
        return issue.get_absolute_url() if issue else None

    def article_path():
        issue = latest_issue()
        article = issue.articles.order_by("position", "pk").first() if issue else None
        return article.get_absolute_url() if article else None

    def session_path():
        # The busiest public session: the most bookings to count and list.
        session_model = apps.get_model("training", "Session")
        session = session_model.objects.public().annotate(booked=Count("bookings")).order_by("-booked", "pk").first()
        return session.get_absolute_url() if session else None

    def chapter_path():
        # The chapter with the longest history of versions.
        chapter_model = apps.get_model("procedures", "Chapter")
        chapter = chapter_model.objects.current().annotate(kept=Count("versions")).order_by("-kept", "pk").first()
        return chapter.get_absolute_url() if chapter else None

    add("home", lambda: reverse("pages:home"))
    add("issue", issue_path)
    add("article", article_path)
    add("programme", lambda: reverse("training:index") if _has_models("training") else None)
    add("session", session_path)
    add("chapter", chapter_path)
    add("amendments", lambda: reverse("procedures:amendments"))
    add("newsletters", lambda: reverse("newsletters:index"))
    add("search", lambda: reverse("pages:search") + "?q=neglect")
    add("search phrase", lambda: reverse("pages:search") + "?q=county+lines+exploitation")
    return pages


def _has_models(label: str) -> bool:
    from django.apps import apps

    return bool(list(apps.get_app_config(label).get_models()))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lscb_portal.settings")
    import django

    django.setup()
    json.dump(choose(), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
