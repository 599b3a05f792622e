"""RSS and Atom feeds of the published update rounds."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from lscb_portal.core.models import BoardSettings

from .selectors import group_amendments, published_rounds

FEED_SIZE = 20


class RoundsFeed(Feed):
    description_template = None

    def title(self):
        return f"Procedures manual updates – {BoardSettings.get_solo().name}"

    def link(self):
        return reverse("procedures:amendments")

    def description(self):
        return "Each update round of the procedures manual: updated, new and archived chapters."

    def items(self):
        return published_rounds()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_to_string(
            "procedures/feed_round.html", {"round": item, "groups": group_amendments(item.amendments.all())}
        )

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"procedures-round-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class RoundsAtomFeed(RoundsFeed):
    feed_type = Atom1Feed
    subtitle = RoundsFeed.description
