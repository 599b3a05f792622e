from django.urls import path

from . import feeds, views

app_name = "newsletters"

# Fixed pages come before <series>/ (whose slug may not take these names: see RESERVED_SERIES_SLUGS).
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/sent/", views.contribute_done, name="contribute_done"),
    path("topics/", views.topics, name="topics"),
    path("topics/<slug:tag>/", views.topic, name="topic"),
    path("topics/<slug:tag>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("topics/<slug:tag>/feed/atom/", feeds.TopicAtomFeed(), name="topic_atom"),
    path("preview/<int:issue_id>/", views.preview, name="preview"),
    path("preview/<int:issue_id>/<slug:slug>/", views.preview_article, name="preview_article"),
    path("<slug:series>/", views.series, name="series"),
    path("<slug:series>/archive/<int:year>/", views.series, name="series_year"),
    path("<slug:series>/feed/", feeds.SeriesFeed(), name="series_feed"),
    path("<slug:series>/feed/atom/", feeds.SeriesAtomFeed(), name="series_atom"),
    path("<slug:series>/<int:number>/", views.issue, name="issue"),
    path("<slug:series>/<int:number>/feedback/", views.feedback, name="feedback"),
    path("<slug:series>/<int:number>/<slug:slug>/", views.article, name="article"),
    path(
        "<slug:series>/<int:number>/<slug:slug>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
