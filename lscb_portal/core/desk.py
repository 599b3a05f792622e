"""The back office's home page: each person's desk, showing what needs them and where their tasks are.

The base imports no app. Each app registers, in its ``AppConfig.ready()`` (through its ``desk.py``), the panels
that say what is waiting for its staff and the pages where they do their work::

    from lscb_portal.core import desk

    desk.register_panel(
        desk.Panel(
            area="newsletters",
            key="contributions",
            title="Contributions to review",
            permission="newsletters.change_contribution",
            build=contributions_panel,  # request -> PanelContent, a fixed number of queries
        )
    )
    desk.register_task(
        desk.Task(area="newsletters", title="Start a new issue", url_name="admin:newsletters_issue_add",
                  permission="newsletters.add_issue")
    )

A panel or task shows only to someone with its permission (superusers have them all), so each role sees its
own work: board managers the newsletter and the mail, training administrators the bookings and registers,
procedure editors the open update round. Areas are titled with their app's ``verbose_name`` and come in the
order the apps registered them, the base's own last. A panel's ``build`` must make a fixed number of queries
whatever the amount of data: the home page is opened many times a day.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)

BASE_AREA = "core"
# How many waiting things a panel lists before its link to all of them.
SHOWN = 5


@dataclass(frozen=True)
class DeskItem:
    """One line of a panel: what it is, where to open it, and a few words of detail."""

    text: str
    url: str = ""
    detail: str = ""
    tag: str = ""


@dataclass(frozen=True)
class PanelContent:
    """What a panel shows: how many things wait (``count``), the first few, and a link to all of them."""

    items: Sequence[DeskItem] = ()
    count: int | None = None
    summary: str = ""
    link: DeskItem | None = None
    empty: str = "Nothing is waiting."

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.count and not self.summary


@dataclass(frozen=True)
class Panel:
    area: str  # the app label whose verbose name heads the area
    key: str
    title: str
    permission: str
    build: Callable[[HttpRequest], PanelContent]


@dataclass(frozen=True)
class Task:
    """A page where some of the area's work is done (a link on the desk)."""

    area: str
    title: str
    url_name: str
    permission: str
    description: str = ""
    query: str = ""  # appended to the address, e.g. "?status__exact=failed"
    args: tuple = ()


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    content: PanelContent | None  # None when it could not be built

    @property
    def dom_id(self) -> str:
        return f"desk-{self.panel.area}-{self.panel.key}"


@dataclass(frozen=True)
class ShownTask:
    task: Task
    url: str


@dataclass
class DeskArea:
    label: str
    title: str
    panels: list[ShownPanel] = field(default_factory=list)
    tasks: list[ShownTask] = field(default_factory=list)


_panels: list[Panel] = []
_tasks: list[Task] = []


def register_panel(panel: Panel) -> None:
    """Show ``panel`` on the desk of everyone with its permission. Registering the same key again replaces it."""
    _panels[:] = [known for known in _panels if (known.area, known.key) != (panel.area, panel.key)]
    _panels.append(panel)


def waiting(
    queryset,
    *,
    item: Callable[[object], DeskItem],
    link: Callable[[int], DeskItem],
    empty: str,
    shown: int = SHOWN,
) -> PanelContent:
    """The usual panel: how many rows ``queryset`` holds, the first ``shown`` as items, and a link to them all.

    One query when they all fit, a second (the count) only when there are more.
    """
    rows = list(queryset[: shown + 1])
    count = len(rows) if len(rows) <= shown else queryset.count()
    if not count:
        return PanelContent(count=0, empty=empty)
    return PanelContent(count=count, items=[item(row) for row in rows[:shown]], link=link(count))


def the_or_all(count: int, one: str, many: str) -> str:
    """ "the failed email" or "all 14 failed emails", for a panel's link."""
    return f"the {one}" if count == 1 else f"all {count} {many}"


def register_tasks(*tasks: Task) -> None:
    for task in tasks:
        register_task(task)


def register_task(task: Task) -> None:
    """Link ``task``'s page from the desk of everyone with its permission."""
    same = (task.area, task.url_name, task.query)
    _tasks[:] = [known for known in _tasks if (known.area, known.url_name, known.query) != same]
    _tasks.append(task)


def unregister_area(area: str) -> None:
    """Remove an area's panels and tasks (tests use this to register their own)."""
    _panels[:] = [panel for panel in _panels if panel.area != area]
    _tasks[:] = [task for task in _tasks if task.area != area]


def area_title(label: str) -> str:
    try:
        return str(django_apps.get_app_config(label).verbose_name)
    except LookupError:
        return label.replace("_", " ").capitalize()


def _build(panel: Panel, request: HttpRequest) -> PanelContent | None:
    try:
        return panel.build(request)
    except Exception:
        # One broken panel must not take the whole back office's home page with it.
        logger.exception("Desk panel %s.%s could not be built", panel.area, panel.key)
        return None


def _task_url(task: Task) -> str | None:
    try:
        return reverse(task.url_name, args=task.args) + task.query
    except NoReverseMatch:
        logger.warning("Desk task %r links to %s, which does not exist", task.title, task.url_name)
        return None


def desk_for(request: HttpRequest) -> list[DeskArea]:
    """The areas ``request.user`` works in, with their panels built and their tasks' addresses."""
    user = request.user
    areas: dict[str, DeskArea] = {}

    def area(label: str) -> DeskArea:
        if label not in areas:
            areas[label] = DeskArea(label=label, title=area_title(label))
        return areas[label]

    for panel in _panels:
        if user.has_perm(panel.permission):
            area(panel.area).panels.append(ShownPanel(panel=panel, content=_build(panel, request)))
    for task in _tasks:
        if user.has_perm(task.permission) and (url := _task_url(task)):
            area(task.area).tasks.append(ShownTask(task=task, url=url))
    order = list(areas)
    return sorted(areas.values(), key=lambda shown: (shown.label == BASE_AREA, order.index(shown.label)))
