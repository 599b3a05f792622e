from django.db import models


class Notice(models.Model):
    """A short notice filed under a category: the reference page lists the latest 20 of one category."""

    category = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    published_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["category", "-published_on"], name="reference_notice_latest")]

    def __str__(self) -> str:
        return self.title
