from django.urls import path

from . import feeds, views

app_name = "procedures"

urlpatterns = [
    path("", views.index, name="index"),
    path("amendments/", views.amendments, name="amendments"),
    path("amendments/feed/", feeds.RoundsFeed(), name="feed"),
    path("amendments/feed/atom/", feeds.RoundsAtomFeed(), name="feed_atom"),
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
