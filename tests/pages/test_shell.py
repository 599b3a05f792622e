"""The shell every public page shares: skip link, landmarks, navigation, the board's details, titles."""

import pytest
from django.test import RequestFactory
from django.test.html import Element, parse_html

from lscb_portal.core.context_processors import board as board_context
from lscb_portal.core.models import BoardSettings

SHELL_PAGES = [
    "/",
    "/search/",
    "/search/?q=neglect",
    "/alerts/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/contact/",
]
SECTIONS = [("Newsletters", "/newsletters/"), ("Training", "/training/"), ("Procedures", "/procedures/")]
SECTIONS += [("Search", "/search/")]
# Elements inside which a <header> or <footer> is not the page's banner or contentinfo.
SECTIONING = {"article", "aside", "main", "nav", "section"}

pytestmark = pytest.mark.django_db


# --- A small HTML query helper over django.test.html's parse tree -------------------------------


def walk(node, ancestors=()):
    """Every element in document order, with the names of the elements around it."""
    if isinstance(node, Element):
        yield node, ancestors
        for child in node.children:
            yield from walk(child, (*ancestors, node.name))


def attrs(element: Element) -> dict:
    return dict(element.attributes)


def text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(filter(None, (text(child) for child in node.children))).strip()


class Page:
    def __init__(self, response):
        self.html = response.content.decode()
        self.tree = list(walk(parse_html(self.html)))

    def all(self, tag=None, **wanted) -> list[Element]:
        wanted = {name.replace("_", "-"): value for name, value in wanted.items()}
        return [
            element
            for element, _ in self.tree
            if (tag is None or element.name == tag)
            and all(attrs(element).get(name) == value for name, value in wanted.items())
        ]

    def one(self, tag=None, **wanted) -> Element:
        found = self.all(tag, **wanted)
        assert len(found) == 1, f"expected one <{tag} {wanted}>, found {len(found)}"
        return found[0]

    def top_level(self, tag) -> list[Element]:
        return [element for element, ancestors in self.tree if element.name == tag and not SECTIONING & set(ancestors)]

    def title(self) -> str:
        return text(self.one("title"))


def inside(container: Element):
    return [element for element, _ in walk(container)]


def is_focusable(element: Element) -> bool:
    attributes = attrs(element)
    if "tabindex" in attributes:
        return int(attributes["tabindex"]) >= 0
    if element.name == "a":
        return "href" in attributes
    if element.name == "input":
        return attributes.get("type") != "hidden"
    return element.name in {"button", "select", "textarea", "summary"} and "hidden" not in attributes


@pytest.fixture
def board():
    board = BoardSettings.get_solo()
    board.name = "Westford Safeguarding Children Partnership"
    board.short_name = "WSCP"
    board.address = "Westford Town Hall\nCastle Street\nWestford\nWF1 2AB"
    board.phone = "01632 960 700"
    board.office_email = "wscp@westford.example.org"
    board.secure_email = "wscp.secure@westford.example.gcsx.gov.uk"
    board.referral_service_name = "Westford MASH"
    board.referral_phone = "01632 960 701"
    board.out_of_hours_phone = "01632 960 702"
    board.referral_note = "If a child is in immediate danger, dial 999."
    board.x_url = "https://x.com/westfordscp"
    board.facebook_url = "https://www.facebook.com/westfordscp"
    board.save()
    return board


def get(client, url) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response)


# --- Skip link and landmarks ---------------------------------------------------------------------


@pytest.mark.parametrize("url", SHELL_PAGES)
def test_the_skip_link_is_the_first_thing_to_focus(client, board, url):
    page = get(client, url)

    focusable = [element for element, _ in page.tree if is_focusable(element)]
    skip = focusable[0]
    assert text(skip) == "Skip to main content"
    assert attrs(skip)["href"] == "#main-content"
    assert "govuk-skip-link" in attrs(skip)["class"].split()
    assert page.one("main", id="main-content")


@pytest.mark.parametrize("url", SHELL_PAGES)
def test_each_page_has_one_of_each_landmark(client, board, url):
    page = get(client, url)

    assert len(page.top_level("header")) == 1, "one banner"
    assert len(page.all("main")) == 1
    assert len(page.top_level("footer")) == 1, "one contentinfo"
    assert not page.all(role="banner")
    assert not page.all(role="contentinfo")
    assert not page.all(role="main")
    navigation = page.one("nav", aria_label="Menu")
    links = [(text(link), attrs(link)["href"]) for link in inside(navigation) if link.name == "a"]
    assert links == SECTIONS
    worried = page.one("aside")
    heading = page.one(id=attrs(worried)["aria-labelledby"])
    assert text(heading) == "Worried about a child?"
    assert heading.name == "h2"


def test_every_search_landmark_has_its_own_name(client, board):
    page = get(client, "/search/?q=neglect")

    names = [attrs(form).get("aria-label") for form in page.all("form", role="search")]
    assert len(names) == 2
    assert len(set(names)) == 2
    assert all(names)


# --- Navigation ----------------------------------------------------------------------------------


def current_links(page: Page) -> dict[str, str]:
    navigation = page.one("nav", aria_label="Menu")
    return {text(link): attrs(link)["aria-current"] for link in inside(navigation) if "aria-current" in attrs(link)}


def test_the_search_section_is_current_on_the_search_page(client, board):
    page = get(client, "/search/?q=neglect")

    assert current_links(page) == {"Search": "page"}
    item = [
        element for element in page.all("li") if "govuk-service-navigation__item--active" in attrs(element)["class"]
    ]
    assert len(item) == 1


@pytest.mark.parametrize("url", ["/", "/accessibility/", "/contact/"])
def test_no_section_is_current_on_the_shell_pages(client, board, url):
    assert current_links(get(client, url)) == {}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/training/", {"Training": True}),
        ("/training/courses/neglect-awareness/", {"Training": False}),
        ("/newsletters/summer-newsletter/4/", {"Newsletters": False}),
        ("/procedures/", {"Procedures": True}),
        ("/", {}),
        ("/privacy/", {}),
    ],
)
def test_the_section_a_page_belongs_to_is_active(board, path, expected):
    """A section's own page is the current page; a page inside it is current within the section."""
    context = board_context(RequestFactory().get(path))

    active = {section["label"]: section["current"] for section in context["site_sections"] if section["active"]}
    assert active == expected


def test_the_header_search_keeps_the_query_on_the_search_page(client, board):
    page = get(client, "/search/?q=county+lines")

    assert attrs(page.one("input", id="site-search-q"))["value"] == "county lines"
    assert attrs(get(client, "/contact/").one("input", id="site-search-q")).get("value", "") == ""


# --- The board's details come from BoardSettings -------------------------------------------------


def test_the_referral_numbers_and_note_come_from_the_board_settings(client, board):
    page = get(client, "/accessibility/")
    worried = text(page.one("aside"))

    assert "Call the Westford MASH on 01632 960 701" in worried
    assert "Out of hours, call 01632 960 702" in worried
    assert "If a child is in immediate danger, dial 999." in worried
    assert page.all("a", href="tel:01632960701")
    assert page.all("a", href="tel:01632960702")

    board.referral_service_name = "Children's Front Door"
    board.referral_phone = "01632 960 999"
    board.out_of_hours_phone = ""
    board.referral_note = "Call 999 if a child is at immediate risk of harm."
    board.save()
    worried = text(get(client, "/accessibility/").one("aside"))

    assert "Call the Children's Front Door on 01632 960 999" in worried
    assert "Out of hours" not in worried
    assert "Call 999 if a child is at immediate risk of harm." in worried
    assert "Westford MASH" not in worried


def test_a_blank_referral_note_still_tells_people_to_call_999(client, board):
    board.referral_note = ""
    board.save()

    worried = text(get(client, "/").one("aside"))

    assert "If a child is in immediate danger, call the police on 999." in worried


def test_the_footer_contact_block_comes_from_the_board_settings(client, board):
    footer = get(client, "/privacy/").top_level("footer")[0]
    content = text(footer)
    links = {attrs(link)["href"]: text(link) for link in inside(footer) if link.name == "a"}

    assert "Contact the WSCP" in content
    for line in ("Westford Safeguarding Children Partnership", "Westford Town Hall", "Castle Street", "WF1 2AB"):
        assert line in content
    assert links["tel:01632960700"] == "01632 960 700"
    assert links["mailto:wscp@westford.example.org"] == "wscp@westford.example.org"
    assert links["mailto:wscp.secure@westford.example.gcsx.gov.uk"] == "wscp.secure@westford.example.gcsx.gov.uk"
    assert "Secure email:" in content

    board.name = "Westford Safeguarding Children Board"
    board.short_name = "WSCB"
    board.address = "The Old Library\nWestford\nWF2 9ZZ"
    board.phone = "01632 960 800"
    board.secure_email = ""
    board.save()
    footer = get(client, "/privacy/").top_level("footer")[0]
    content = text(footer)

    assert "Contact the WSCB" in content
    assert "The Old Library" in content
    assert "Castle Street" not in content
    assert "01632 960 800" in content
    assert "01632 960 700" not in content
    assert "Secure email" not in content


def test_social_links_come_from_the_board_settings(client, board):
    footer = get(client, "/cookies/").top_level("footer")[0]
    links = {text(link): attrs(link)["href"] for link in inside(footer) if link.name == "a"}

    assert links["WSCP on X (Twitter)"] == "https://x.com/westfordscp"
    assert links["WSCP on Facebook"] == "https://www.facebook.com/westfordscp"
    assert "WSCP on YouTube" not in links

    board.x_url = ""
    board.youtube_url = "https://www.youtube.com/@westfordscp"
    board.save()
    footer = get(client, "/cookies/").top_level("footer")[0]
    links = {text(link): attrs(link)["href"] for link in inside(footer) if link.name == "a"}

    assert "WSCP on X (Twitter)" not in links
    assert links["WSCP on YouTube"] == "https://www.youtube.com/@westfordscp"


def test_the_contact_page_shows_the_board_contacts(client, board):
    board.contacts.create(name="Priya Shah", role="Board Manager", phone="01632 960 710", position=1)
    board.contacts.create(name="Owen Price", role="Training Coordinator", email="training@westford.example.org")

    page = get(client, "/contact/")

    main = text(page.one("main"))
    assert "Training Coordinator Owen Price" in main
    assert "Board Manager Priya Shah" in main
    assert main.index("Owen Price") < main.index("Priya Shah")
    assert page.all("a", href="mailto:wscp.secure@westford.example.gcsx.gov.uk")


# --- Exit this page ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", SHELL_PAGES)
def test_exit_this_page_is_on_every_page(client, board, url):
    page = get(client, url)

    wrapper = page.one("div", data_module="govuk-exit-this-page")
    button = [element for element in inside(wrapper) if element.name == "a"][0]
    assert attrs(button)["href"] == "https://www.bbc.co.uk/weather"
    assert attrs(button)["role"] == "button"
    assert text(button) == "Emergency Exit this page"
    assert "noreferrer" in attrs(button)["rel"]


def test_exit_this_page_goes_where_the_settings_say(client, board, settings):
    settings.EXIT_PAGE_URL = "https://www.google.co.uk/"

    page = get(client, "/")

    assert page.all("a", href="https://www.google.co.uk/")


# --- Titles and queries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Westford Safeguarding Children Partnership"),
        ("/search/", "Search – Westford Safeguarding Children Partnership"),
        ("/search/?q=neglect", "Search results for “neglect” – Westford Safeguarding Children Partnership"),
        ("/accessibility/", "Accessibility statement – Westford Safeguarding Children Partnership"),
        ("/privacy/", "Privacy notice – Westford Safeguarding Children Partnership"),
        ("/cookies/", "Cookies – Westford Safeguarding Children Partnership"),
        ("/contact/", "Contact us – Westford Safeguarding Children Partnership"),
    ],
)
def test_page_titles_name_the_page_then_the_board(client, board, url, title):
    assert get(client, url).title() == title


def test_a_search_for_markup_is_shown_as_text(client, board):
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/", "/cookies/"])
def test_the_shell_reads_the_board_once(client, board, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(url)

    assert response.status_code == 200


def test_a_board_without_its_settings_row_gets_one_with_the_defaults(client):
    BoardSettings.objects.all().delete()

    response = client.get("/accessibility/")

    assert response.status_code == 200
    assert BoardSettings.objects.get().name == BoardSettings._meta.get_field("name").default
    assert BoardSettings._meta.get_field("name").default in response.content.decode()
