"""What newsletters hold about people, for the base's export, erasure and retention (``core.privacy``).

Contributions (name, role, agency, email, the text offered) and readers' feedback are
deleted after the retention period, history included. Feedback is anonymous, so only
retention applies to it. An article made from a contribution keeps its text, but erasing
the contributor takes their name off its byline.
"""

from datetime import datetime

from lscb_portal.core import privacy

from .models import Article, Contribution, Feedback

CONTRIBUTION_FIELDS = [
    "name",
    "role",
    "agency",
    "email",
    "title",
    "text",
    "consent_text",
    "submitted_at",
    "status",
    "decided_at",
    "decision_note",
]


def _contributions(email: str):
    return Contribution.objects.filter(privacy.email_matches("email", email))


def _history():
    return privacy.history_of(Contribution)


def names(email: str) -> list[str]:
    current = _contributions(email).values_list("name", flat=True)
    past = _history().objects.filter(privacy.email_matches("email", email)).values_list("name", flat=True)
    return [*current, *past]


def export(email: str) -> dict:
    contributions = _contributions(email).order_by("submitted_at")
    return {
        "contributions": privacy.rows(contributions, CONTRIBUTION_FIELDS),
        "contribution_history": privacy.rows(
            _history().objects.filter(privacy.email_matches("email", email)).order_by("history_date"),
            ["id", "history_date", "history_type", *CONTRIBUTION_FIELDS],
        ),
        "articles_from_your_contributions": privacy.rows(
            Article.objects.filter(contribution__in=contributions),
            ["title", "author_name", "author_role", "author_agency"],
        ),
    }


def _delete_contributions(contribution_ids: list[int], *, clear_byline: bool) -> int:
    """Delete these contributions and their history; with ``clear_byline`` also the articles' author details."""
    if clear_byline:
        article_ids = list(
            Contribution.objects.filter(pk__in=contribution_ids, article__isnull=False).values_list(
                "article_id", flat=True
            )
        )
        byline = {"author_name": "", "author_role": "", "author_agency": ""}
        Article.objects.filter(pk__in=article_ids).update(**byline)
        privacy.history_of(Article).objects.filter(id__in=article_ids).update(**byline)
    deleted, _ = Contribution.objects.filter(pk__in=contribution_ids).delete()
    # After the delete, which itself writes a last historical row.
    _history().objects.filter(id__in=contribution_ids).delete()
    return deleted


def erase(email: str) -> dict[str, int]:
    ids = set(_contributions(email).values_list("pk", flat=True))
    ids |= set(_history().objects.filter(privacy.email_matches("email", email)).values_list("id", flat=True))
    return {"contributions_deleted": _delete_contributions(sorted(ids), clear_byline=True)}


def retain(now: datetime) -> dict[str, int]:
    cutoff = now - privacy.retention().contributions
    old = list(Contribution.objects.filter(submitted_at__lt=cutoff).values_list("pk", flat=True))
    feedback, _ = Feedback.objects.filter(created_at__lt=cutoff).delete()
    # Contributions deleted in the back office leave their history behind: it ages out too.
    _history().objects.filter(history_date__lt=cutoff).exclude(id__in=Contribution.objects.values("pk")).delete()
    return {
        "contributions_deleted": _delete_contributions(old, clear_byline=False),
        "feedback_deleted": feedback,
    }


privacy.register(privacy.PersonalData(app="newsletters", export=export, erase=erase, retain=retain, names=names))
