from django.urls import path

from lscb_portal.core.pagecache import cached_page

from . import feeds, views

app_name = "newsletters"

# Fixed pages come before <series>/ (whose slug may not take these names: see RESERVED_SERIES_SLUGS).
urlpatterns = [
    path("", cached_page(views.index), name="index"),
    path("search/", cached_page(views.search), name="search"),
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/sent/", views.contribute_done, name="contribute_done"),
    path("topics/", cached_page(views.topics), name="topics"),
    path("topics/<slug:tag>/", cached_page(views.topic), name="topic"),
    path("topics/<slug:tag>/feed/", cached_page(feeds.TopicFeed()), name="topic_feed"),
    path("topics/<slug:tag>/feed/atom/", cached_page(feeds.TopicAtomFeed()), name="topic_atom"),
    path("preview/<int:issue_id>/", views.preview, name="preview"),
    path("preview/<int:issue_id>/<slug:slug>/", views.preview_article, name="preview_article"),
    path("<slug:series>/", cached_page(views.series), name="series"),
    path("<slug:series>/archive/<int:year>/", cached_page(views.series), name="series_year"),
    path("<slug:series>/feed/", cached_page(feeds.SeriesFeed()), name="series_feed"),
    path("<slug:series>/feed/atom/", cached_page(feeds.SeriesAtomFeed()), name="series_atom"),
    path("<slug:series>/<int:number>/", cached_page(views.issue), name="issue"),
    path("<slug:series>/<int:number>/feedback/", views.feedback, name="feedback"),
    path("<slug:series>/<int:number>/<slug:slug>/", cached_page(views.article), name="article"),
    path(
        "<slug:series>/<int:number>/<slug:slug>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
