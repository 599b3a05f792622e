"""Full-text search helpers: one stored-vector recipe and one result shape for every app.

Each searchable model keeps a generated, stored ``tsvector`` (english
configuration; weight A its title, B headings and summary, C body) with a GIN
index. The site search merges the apps' results through ``SearchResult``.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

CONFIG = "english"


def weighted_vector(*, a: list[str], b: list[str] = (), c: list[str] = ()):
    """setweight(to_tsvector('english', …)) for each field, A title, B headings/summary, C body."""
    parts = [
        SearchVector(field, weight=weight, config=CONFIG)
        for weight, fields in (("A", a), ("B", b), ("C", c))
        for field in fields
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def search_vector_field(*, a: list[str], b: list[str] = (), c: list[str] = ()) -> models.GeneratedField:
    """A stored generated tsvector column; add ``GinIndex(fields=["search_vector"])`` to Meta.indexes."""
    return models.GeneratedField(
        expression=weighted_vector(a=a, b=b, c=c),
        output_field=SearchVectorField(),
        db_persist=True,
    )


@dataclass(frozen=True)
class SearchResult:
    """One hit, in the shape the site search merges across apps."""

    kind: str
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matches
    date: date | datetime | None
    rank: float
