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

MANUAL = views.MANUAL
AS_AT_DATE = ["date_0", "date_1", "date_2"]  # the day, month and year boxes of AsAtForm's date

urlpatterns = [
    path("", cached_page(views.index, shows=MANUAL), name="index"),
    path("amendments/", cached_page(views.amendments, shows=MANUAL), name="amendments"),
    path("amendments/feed/", cached_page(feeds.RoundsFeed(), shows=MANUAL), name="feed"),
    path("amendments/feed/atom/", cached_page(feeds.RoundsAtomFeed(), shows=MANUAL), name="feed_atom"),
    path("amendments/earlier/", cached_page(views.earlier_rounds, shows=MANUAL), name="earlier_rounds"),
    path("amendments/<day:day>/", cached_page(views.rounds_on_day, shows=MANUAL), name="rounds_on_day"),
    path("amendments/<day:day>/<slug:slug>/", cached_page(views.round_view, shows=MANUAL), name="round"),
    path("glossary/", cached_page(views.glossary, shows=MANUAL), name="glossary"),
    path("archive/", cached_page(views.archive, shows=MANUAL), name="archive"),
    path("search/", cached_page(views.search, shows=MANUAL, query=["q"]), name="search"),
    path("verify/", views.verify_start, name="verify_start"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<slug:slug>/", cached_page(views.chapter, shows=MANUAL), name="chapter"),
    path("<slug:slug>/changes/", cached_page(views.changes, shows=MANUAL, query=["from", "to"]), name="changes"),
    path("<slug:slug>/as-at/", cached_page(views.as_at, shows=MANUAL, query=AS_AT_DATE), name="as_at"),
    path("<slug:slug>/print/", views.print_view, name="print"),
]
