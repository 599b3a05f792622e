from datetime import date

from django.urls import path, register_converter

from lscb_portal.core.pagecache import cached_page

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
    path("", cached_page(views.index), name="index"),
    path("amendments/", cached_page(views.amendments), name="amendments"),
    path("amendments/feed/", cached_page(feeds.RoundsFeed()), name="feed"),
    path("amendments/feed/atom/", cached_page(feeds.RoundsAtomFeed()), name="feed_atom"),
    path("amendments/earlier/", cached_page(views.earlier_rounds), name="earlier_rounds"),
    path("amendments/<day:day>/", cached_page(views.round_view), name="round"),
    path("glossary/", cached_page(views.glossary), name="glossary"),
    path("archive/", cached_page(views.archive), name="archive"),
    path("search/", cached_page(views.search), name="search"),
    path("verify/", views.verify_start, name="verify_start"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<slug:slug>/", cached_page(views.chapter), name="chapter"),
    path("<slug:slug>/changes/", cached_page(views.changes), name="changes"),
    path("<slug:slug>/as-at/", cached_page(views.as_at), name="as_at"),
    path("<slug:slug>/print/", views.print_view, name="print"),
]
