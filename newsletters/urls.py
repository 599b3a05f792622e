from django.urls import path

from lscb_portal.core.pagecache import cached_page

from . import feeds, views

app_name = "newsletters"

# The areas the pages show (lscb_portal/core/pagecache.py), besides the board's shell.
NEWSLETTERS = ["newsletters"]
# Articles show their topics; the issue page also lists live training sessions (with their places) and
# procedure amendments in its blocks.
ARTICLES = ["newsletters", "topics"]
ISSUE = [*ARTICLES, "training", "places", "procedures"]

# Fixed pages come before <series>/ (whose slug may not take these names: see RESERVED_SERIES_SLUGS).
urlpatterns = [
    path("", cached_page(views.index, shows=NEWSLETTERS), name="index"),
    path("search/", cached_page(views.search, shows=NEWSLETTERS, query=["q"]), name="search"),
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/sent/", views.contribute_done, name="contribute_done"),
    path("topics/", cached_page(views.topics, shows=ARTICLES), name="topics"),
    path("topics/<slug:tag>/", cached_page(views.topic, shows=ARTICLES), name="topic"),
    path("topics/<slug:tag>/feed/", cached_page(feeds.TopicFeed(), shows=ARTICLES), name="topic_feed"),
    path("topics/<slug:tag>/feed/atom/", cached_page(feeds.TopicAtomFeed(), shows=ARTICLES), name="topic_atom"),
    path("preview/<int:issue_id>/", views.preview, name="preview"),
    path("preview/<int:issue_id>/<slug:slug>/", views.preview_article, name="preview_article"),
    path("<slug:series>/", cached_page(views.series, shows=NEWSLETTERS), name="series"),
    path("<slug:series>/archive/<int:year>/", cached_page(views.series, shows=NEWSLETTERS), name="series_year"),
    path("<slug:series>/feed/", cached_page(feeds.SeriesFeed(), shows=NEWSLETTERS), name="series_feed"),
    path("<slug:series>/feed/atom/", cached_page(feeds.SeriesAtomFeed(), shows=NEWSLETTERS), name="series_atom"),
    path("<slug:series>/<int:number>/", cached_page(views.issue, shows=ISSUE), name="issue"),
    path("<slug:series>/<int:number>/feedback/", views.feedback, name="feedback"),
    path("<slug:series>/<int:number>/issue.pdf", views.issue_pdf, name="issue_pdf"),
    path("<slug:series>/<int:number>/<slug:slug>/", cached_page(views.article, shows=ARTICLES), name="article"),
    path(
        "<slug:series>/<int:number>/<slug:slug>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
