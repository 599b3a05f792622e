from datetime import date

from django.urls import path, register_converter

from . import feeds, views


class DayConverter:
    """A day as YYYY-MM-DD; an impossible date (2018-02-30) matches no page."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(DayConverter, "day")

app_name = "procedures"

urlpatterns = [
    path("", views.index, name="index"),
    path("amendments/", views.amendments, name="amendments"),
    path("amendments/feed/", feeds.RoundsFeed(), name="feed"),
    path("amendments/feed/atom/", feeds.RoundsAtomFeed(), name="feed_atom"),
    path("amendments/earlier/", views.earlier_rounds, name="earlier_rounds"),
    path("amendments/<day:day>/", views.round_view, name="round"),
    path("glossary/", views.glossary, name="glossary"),
    path("archive/", views.archive, name="archive"),
    path("search/", views.search, name="search"),
    path("verify/", views.verify_start, name="verify_start"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<slug:slug>/", views.chapter, name="chapter"),
    path("<slug:slug>/changes/", views.changes, name="changes"),
    path("<slug:slug>/as-at/", views.as_at, name="as_at"),
    path("<slug:slug>/print/", views.print_view, name="print"),
]
