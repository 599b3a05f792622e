from django.contrib.sitemaps import Sitemap

from . import selectors
from .models import Series


class SeriesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Series.objects.order_by("position", "pk")


class IssueSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.7

    def items(self):
        return selectors.sitemap_issues()

    def lastmod(self, issue):
        return issue.published_at


class ArticleSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return selectors.sitemap_articles()

    def lastmod(self, article):
        return article.issue.published_at


sitemaps = {
    "newsletter-series": SeriesSitemap,
    "newsletter-issues": IssueSitemap,
    "newsletter-articles": ArticleSitemap,
}
