# ruff: noqa: E501 - the demo content is prose and tables, kept on readable lines
"""Demo newsletters for the fictional Northbrook partnership: two series, several issues, real-looking articles.

Running ``load()`` again changes nothing: every row is found by its natural key
(series slug; issue number in its series; article slug in its issue; a
document's title in its article) and documents are only written once.
"""

import io
import zipfile
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from . import issue_pdf
from .models import Article, ArticleKind, Attachment, BlockKind, Issue, IssueBlock, IssueStatus, Resource, Series

SERIES = [
    {
        "slug": "safeguarding-newsletter",
        "title": "Northbrook Safeguarding Newsletter",
        "description": "News, learning from reviews and training for everyone who works with children in Northbrook.",
        "frequency": "Four times a year",
        "position": 1,
    },
    {
        "slug": "frontline-bulletin",
        "title": "Frontline Bulletin",
        "description": "A short bulletin for practitioners: one or two things to know and act on this month.",
        "frequency": "Every other month",
        "position": 2,
    },
]

RESOURCES = {
    "nspcc": (
        "NSPCC Helpline",
        "Advice for any adult worried about a child, by phone or online",
        "https://www.nspcc.org.uk/",
    ),
    "childline": (
        "Childline",
        "Free, confidential support for children and young people up to 19",
        "https://www.childline.org.uk/",
    ),
    "ceop": (
        "CEOP Education",
        "Online safety advice and resources for professionals and parents",
        "https://www.ceopeducation.co.uk/",
    ),
    "lullaby": (
        "The Lullaby Trust",
        "Safer sleep advice for babies, for parents and professionals",
        "https://www.lullabytrust.org.uk/",
    ),
    "fearless": (
        "Fearless",
        "A way for young people to pass on information about crime anonymously",
        "https://www.fearless.org/",
    ),
    "refuge": (
        "National Domestic Abuse Helpline",
        "Free 24-hour support run by Refuge",
        "https://www.nationaldahelpline.org.uk/",
    ),
    "mind": (
        "YoungMinds",
        "Mental health support and advice for young people, parents and professionals",
        "https://www.youngminds.org.uk/",
    ),
}

WORRY_TABLE = """
<table><tbody>
<tr><th scope="col">What are we worried about?</th><th scope="col">What is going well?</th><th scope="col">What do we need to do?</th></tr>
<tr><td><p>Referrals about neglect often arrive late, after many months of low-level concerns.</p></td>
<td><p>Schools and health visitors share concerns quickly once they are sure.</p></td>
<td><p>Use the graded care profile early, and record each concern so the picture builds up.</p></td></tr>
<tr><td><p>Fathers and other men in the household are rarely spoken to.</p></td>
<td><p>Early help assessments now ask who lives in the home.</p></td>
<td><p>Invite fathers to meetings and ask about them in every assessment.</p></td></tr>
</tbody></table>
"""

ARTICLES = {
    # (series slug, issue number): [article, ...]
    ("safeguarding-newsletter", 21): [
        {
            "slug": "learning-from-child-h",
            "kind": ArticleKind.ARTICLE,
            "title": "Learning from the review about Child H",
            "summary": "What a local case review found about neglect that went on too long, and what we are changing.",
            "author": ("Dr Amara Osei", "Chair, Case Review Sub-group", "Northbrook Integrated Care Board"),
            "tags": ["Neglect", "Learning from case reviews", "Voice of the child"],
            "body": """
<p>Child H was four when a nursery practitioner noticed that she was often hungry and wore the same clothes all week.
Over the following eighteen months, nine professionals from five agencies had contact with the family. Each of them
saw part of the picture; nobody saw all of it.</p>
<h2>What the review found</h2>
<ul><li>Concerns were recorded but not added together, so each one looked minor on its own.</li>
<li>Appointments that were missed were not followed up with the family or shared with other agencies.</li>
<li>Child H's own words were recorded twice, but nobody acted on what she said.</li></ul>
<blockquote><p>"She told us she was the one who made breakfast for her little brother. We wrote it down. We should have
asked what that meant for her." – a practitioner who took part in the review</p></blockquote>
<h2>What the review asks of us</h2>"""
            + WORRY_TABLE
            + """
<p>The full briefing is attached. Please discuss it in your next team meeting and record that you have done so.</p>""",
            "documents": [("Child H: seven-minute briefing", "pdf")],
            "resources": ["nspcc"],
        },
        {
            "slug": "county-lines-what-to-look-for",
            "kind": ArticleKind.ARTICLE,
            "title": "County lines: what to look for",
            "summary": "Criminal exploitation is happening in Northbrook. These are the signs practitioners report most often.",
            "author": ("DS Kelly Brennan", "Exploitation Hub", "Northbrook Police"),
            "tags": ["Criminal exploitation", "County lines", "Missing children"],
            "body": """
<p>Gangs use children and vulnerable adults to move drugs and money from cities to towns like ours: this is known as
county lines, after the phone lines used to take orders. Children who
are groomed into this often do not see themselves as victims.</p>
<h2>Signs to look out for</h2>
<ol><li>Going missing, sometimes for days, and being found a long way from home.</li>
<li>New phones, clothes or money they cannot explain.</li>
<li>Travel tickets, hotel key cards or unexplained injuries.</li>
<li>New older friends, and withdrawal from family and old friends.</li></ol>
<h2>What to do</h2>
<p>Complete the exploitation screening tool and send it to the Children's Front Door. If a child is in immediate
danger, call 999. Return home interviews after every missing episode give us information we cannot get elsewhere.</p>""",
            "documents": [("Exploitation screening tool", "docx")],
            "resources": ["fearless", "childline"],
        },
        {
            "slug": "board-meeting-march",
            "kind": ArticleKind.BOARD_MEETING,
            "title": "What the board discussed in March",
            "summary": "A summary of the partnership board's March meeting, with a named contact for each item.",
            "author": ("Helen Marsh", "Board Manager", "Northbrook Safeguarding Children Partnership"),
            "tags": ["Board business"],
            "body": """
<ol><li><strong>Multi-agency audit of early help.</strong> 20 cases were audited; 14 were rated good. Contact: Helen
Marsh, 01632 960 410.</li>
<li><strong>Private fostering awareness.</strong> Only 3 notifications were received last year. A campaign starts in
June. Contact: Grace Adeyemi, 01632 960 418.</li>
<li><strong>Training programme.</strong> 82 training events were delivered this year, compared with 56 the year
before. Contact: Tomasz Nowak, 01632 960 415.</li></ol>""",
            "documents": [],
            "resources": [],
        },
    ],
    ("safeguarding-newsletter", 22): [
        {
            "slug": "safer-sleep-week",
            "kind": ArticleKind.ARTICLE,
            "title": "Safer sleep for babies: one conversation, every time",
            "summary": "Health visitors ask every practitioner who visits a family with a baby to talk about safer sleep.",
            "author": ("Priya Shah", "Specialist Health Visitor", "Northbrook Community Health NHS Trust"),
            "tags": ["Safer sleep", "Early years", "Child death review"],
            "body": """
<p>Most sudden infant deaths that the child death overview panel reviews involve an unsafe sleeping place. Many
happen when the family's routine changes: a holiday, a party, or a night on the sofa after a long day.</p>
<h2>The three messages</h2>
<ul><li>Always put the baby on their back to sleep, in their own cot or Moses basket.</li>
<li>Keep the cot clear: no pillows, bumpers or soft toys.</li>
<li>Never fall asleep with a baby on a sofa or armchair.</li></ul>
<p>Whatever your role, if you visit a home with a baby, ask where the baby sleeps, and ask to see it.</p>""",
            "documents": [("Safer sleep conversation prompt card", "pdf")],
            "resources": ["lullaby"],
        },
        {
            "slug": "business-plan-priorities",
            "kind": ArticleKind.BUSINESS_PLAN,
            "title": "Our business plan priorities: progress so far",
            "summary": "Where we are on the partnership's three priorities for the year.",
            "author": ("Helen Marsh", "Board Manager", "Northbrook Safeguarding Children Partnership"),
            "tags": ["Board business", "Neglect", "Criminal exploitation"],
            "body": """
<table><tbody>
<tr><th scope="col">Priority</th><th scope="col">What we said we would do</th><th scope="col">Progress</th></tr>
<tr><td><p>Neglect</p></td><td><p>Train 300 practitioners in the graded care profile</p></td><td><p>212 trained; on track</p></td></tr>
<tr><td><p>Exploitation</p></td><td><p>One screening tool used by every agency</p></td><td><p>Done in April</p></td></tr>
<tr><td><p>Voice of the child</p></td><td><p>Young advisers review our leaflets</p></td><td><p>Two leaflets rewritten</p></td></tr>
</tbody></table>""",
            "documents": [],
            "resources": [],
        },
        {
            "slug": "training-dates-autumn",
            "kind": ArticleKind.TRAINING,
            "title": "Training this autumn: places are limited",
            "summary": "Multi-agency courses running this autumn, free to partner agencies.",
            "author": ("Tomasz Nowak", "Training Coordinator", "Northbrook Safeguarding Children Partnership"),
            "tags": ["Training"],
            "body": """
<table><tbody>
<tr><th scope="col">Course</th><th scope="col">Date and time</th><th scope="col">Venue</th></tr>
<tr><td><p>Introduction to safeguarding children</p></td><td><p>Tuesday 9 September, 9:30am to 12:30pm</p></td><td><p>Civic Centre, NB1 4QT</p></td></tr>
<tr><td><p>Domestic abuse for first line managers</p></td><td><p>Thursday 2 October, 9:30am to 4pm</p></td><td><p>Riverside Centre, NB3 2LP</p></td></tr>
</tbody></table>
<p>Book on the training pages of this website. Places are limited and given first come, first served.</p>""",
            "documents": [("Autumn training programme", "pdf")],
            "resources": [],
        },
    ],
    ("safeguarding-newsletter", 23): [
        {
            "slug": "online-safety-and-sharing-images",
            "kind": ArticleKind.ARTICLE,
            "title": "Online safety: when young people share images",
            "summary": "How to respond when a young person shares, or is asked to share, a nude or semi-nude image.",
            "author": ("Mark Ellis", "Designated Safeguarding Lead", "Northbrook College"),
            "tags": ["Online safety", "Peer-on-peer abuse"],
            "body": """
<p>Young people tell us that being asked for images is common, and that adults often react in ways that make
things worse. Our response should be calm, and should never make the young person feel to blame.</p>
<h2>Do</h2>
<ul><li>Tell your designated safeguarding lead straight away.</li>
<li>Reassure the young person that they have done the right thing by telling you.</li></ul>
<h2>Do not</h2>
<ul><li>View, copy or forward the image, even to a colleague.</li>
<li>Ask the young person to delete it before you have spoken to your safeguarding lead.</li></ul>""",
            "documents": [],
            "resources": ["ceop", "childline"],
        },
        {
            "slug": "domestic-abuse-and-children",
            "kind": ArticleKind.ARTICLE,
            "title": "Children are victims of domestic abuse too",
            "summary": "The law now recognises children who see, hear or experience domestic abuse as victims in their own right.",
            "author": ("Lucy Fernandes", "Children's Worker", "Safe Harbour Domestic Abuse Service"),
            "tags": ["Domestic abuse", "Voice of the child"],
            "body": """
<p>When a police officer attends a domestic abuse incident where children live, the school is told before the next
school day through our Operation Encompass scheme. Last year that meant 1,140 notifications to Northbrook schools.</p>
<h2>What schools tell us helps</h2>
<ul><li>A trusted adult who checks in quietly at the start of the day.</li>
<li>Flexibility about homework and uniform for a few days.</li></ul>""",
            "documents": [("Operation Encompass guide for schools", "docx")],
            "resources": ["refuge"],
        },
    ],
    ("safeguarding-newsletter", 24): [
        {
            "slug": "emotional-wellbeing-in-schools",
            "kind": ArticleKind.ARTICLE,
            "title": "Emotional wellbeing: what young advisers want you to know",
            "summary": "Our young advisers asked 400 pupils what helps when they are struggling. Here is what they said.",
            "author": ("Northbrook Young Advisers", "", "Northbrook Youth Trust"),
            "tags": ["Mental health and emotional wellbeing", "Voice of the child"],
            "body": """
<p>Our young advisers ran a survey in eight secondary schools. The message was clear: young people want to be
listened to before they are referred on.</p>
<blockquote><p>"I didn't need a service. I needed someone to notice and ask me twice." – Year 10 pupil</p></blockquote>
<h2>Three things to try</h2>
<ol><li>Ask twice: "How are you? No, really, how are you?"</li>
<li>Tell them what will happen next, and when.</li>
<li>Check back, even when the referral is done.</li></ol>""",
            "documents": [("Young advisers' survey results", "pdf")],
            "resources": ["mind", "childline"],
        },
        {
            "slug": "procedures-updated-spring",
            "kind": ArticleKind.PROCEDURES,
            "title": "Procedures updated this spring",
            "summary": "The procedures manual was updated in March. These are the chapters that changed.",
            "author": (
                "Grace Adeyemi",
                "Procedures and Policy Officer",
                "Northbrook Safeguarding Children Partnership",
            ),
            "tags": ["Procedures"],
            "body": """
<table><tbody>
<tr><th scope="col">Updated chapter</th><th scope="col">Details of amends</th></tr>
<tr><td><p>Children missing from home or care</p></td><td><p>Section 4 updated to describe the new return home interview offer.</p></td></tr>
<tr><td><p>Private fostering</p></td><td><p>This chapter has been reviewed and updated and should be read throughout.</p></td></tr>
</tbody></table>
<p>Register for procedure updates on the alerts page to be told when chapters change.</p>""",
            "documents": [],
            "resources": [],
        },
    ],
    ("safeguarding-newsletter", 25): [
        {
            "slug": "working-together-what-changes",
            "kind": ArticleKind.ARTICLE,
            "title": "Working Together: what changes for you",
            "summary": "The statutory guidance has been revised. A short guide to what it means for frontline practice.",
            "author": ("Helen Marsh", "Board Manager", "Northbrook Safeguarding Children Partnership"),
            "tags": ["Working Together", "Early help"],
            "body": """
<p>The revised guidance puts more weight on early help, on working with whole families, and on the role of
education as a safeguarding partner.</p>
<h2>For practitioners</h2>
<ul><li>Early help assessments can be led by any agency that knows the family best.</li>
<li>Parents should be treated as partners wherever it is safe to do so.</li></ul>""",
            "documents": [("Working Together: summary of changes", "pdf")],
            "resources": ["nspcc"],
        },
    ],
    ("safeguarding-newsletter", 26): [
        {
            "slug": "modern-slavery-spotting-the-signs",
            "kind": ArticleKind.ARTICLE,
            "title": "Modern slavery: spotting the signs",
            "summary": "Children can be trafficked within the UK as well as into it. Draft for the autumn issue.",
            "author": ("DS Kelly Brennan", "Exploitation Hub", "Northbrook Police"),
            "tags": ["Modern slavery", "Criminal exploitation"],
            "body": "<p>Draft: article to follow from the exploitation hub.</p>",
            "documents": [],
            "resources": [],
        },
    ],
    ("frontline-bulletin", 7): [
        {
            "slug": "private-fostering",
            "kind": ArticleKind.ARTICLE,
            "title": "Is a child living with someone who is not a close relative?",
            "summary": "Private fostering must be reported to children's social care. Most arrangements never are.",
            "author": (
                "Grace Adeyemi",
                "Procedures and Policy Officer",
                "Northbrook Safeguarding Children Partnership",
            ),
            "tags": ["Private fostering"],
            "body": """
<p>If a child under 16 (or under 18 if disabled) lives for 28 days or more with an adult who is not a parent or
close relative, that is private fostering. The law says children's social care must be told.</p>
<p>Tell the Children's Front Door on 01632 960 000.</p>""",
            "documents": [],
            "resources": [],
        },
    ],
    ("frontline-bulletin", 8): [
        {
            "slug": "fgm-mandatory-reporting",
            "kind": ArticleKind.ARTICLE,
            "title": "FGM: your duty to report",
            "summary": "Teachers, health and social care professionals must report known cases of FGM in under-18s to the police.",
            "author": ("Nadia Rahman", "Safeguarding Midwife", "Northbrook Community Health NHS Trust"),
            "tags": ["FGM and harmful practices"],
            "body": """
<p>If a girl under 18 tells you she has had FGM, or you see signs of it, you must report it to the police by
calling 101. This is a personal duty: you cannot pass it to your safeguarding lead.</p>""",
            "documents": [("FGM mandatory reporting flowchart", "pdf")],
            "resources": [],
        },
        {
            "slug": "prevent-referrals",
            "kind": ArticleKind.ARTICLE,
            "title": "Prevent: when to refer",
            "summary": "Radicalisation is a safeguarding concern. Refer as you would any other.",
            "author": ("Omar Haddad", "Prevent Coordinator", "Northbrook City Council"),
            "tags": ["Prevent and radicalisation"],
            "body": """
<p>If you are worried that a young person is being drawn into extremist ideas, talk to your safeguarding lead and
use the Prevent referral form. Most referrals lead to support, not to any police action.</p>""",
            "documents": [],
            "resources": [],
        },
    ],
    ("frontline-bulletin", 9): [
        {
            "slug": "children-missing-education",
            "kind": ArticleKind.ARTICLE,
            "title": "Children missing education",
            "summary": "A child who stops attending school without explanation may be at risk. Tell the education welfare team.",
            "author": ("Sarah Oduya", "Education Welfare Officer", "Northbrook City Council"),
            "tags": ["Missing children", "Neglect"],
            "body": """
<p>Schools must tell the local authority when a pupil is removed from the roll or misses ten school days in a row
without explanation. Early conversations with families stop small absences becoming long ones.</p>""",
            "documents": [("Children missing education referral form", "docx")],
            "resources": [],
        },
    ],
}

ISSUES = [
    # series slug, number, title, published (None = draft), foreword signatory, next edition
    ("safeguarding-newsletter", 21, "Spring 2025", datetime(2025, 3, 20, 9), "Jane Okafor", date(2025, 6, 1)),
    ("safeguarding-newsletter", 22, "Summer 2025", datetime(2025, 6, 19, 9), "Jane Okafor", date(2025, 9, 1)),
    ("safeguarding-newsletter", 23, "Winter 2025", datetime(2025, 12, 4, 9), "Helen Marsh", date(2026, 3, 1)),
    ("safeguarding-newsletter", 24, "Spring 2026", datetime(2026, 3, 26, 9), "Jane Okafor", date(2026, 7, 1)),
    ("safeguarding-newsletter", 25, "Summer 2026", datetime(2026, 7, 9, 9), "Jane Okafor", date(2026, 10, 1)),
    ("safeguarding-newsletter", 26, "Autumn 2026", None, "Jane Okafor", date(2027, 1, 1)),
    ("frontline-bulletin", 7, "May 2026", datetime(2026, 5, 14, 8), "Helen Marsh", date(2026, 7, 1)),
    ("frontline-bulletin", 8, "July 2026", datetime(2026, 7, 16, 8), "Helen Marsh", date(2026, 9, 1)),
    ("frontline-bulletin", 9, "September 2026", datetime(2026, 9, 17, 8), "Helen Marsh", date(2026, 11, 1)),
]

# Blocks filled from the other apps: series slug, issue number, position, kind, fields. The training
# block lists this year's programme by date (training's demo may load after this one); the procedures
# block lists what changed since the previous issue.
BLOCKS = [
    (
        "frontline-bulletin",
        9,
        2,
        BlockKind.TRAINING,
        {
            "title": "Training with places this autumn and winter",
            "introduction": "Multi-agency courses with places still free. Book early: places are limited.",
            "sessions_from": date(2026, 10, 1),
            "sessions_until": date(2027, 3, 31),
        },
    ),
    (
        "safeguarding-newsletter",
        23,
        2,
        BlockKind.PROCEDURES,
        {"introduction": "The procedures manual was updated in July. Please read the chapters that changed."},
    ),
]

SIGNATORIES = {
    "Jane Okafor": "Independent Chair, Northbrook Safeguarding Children Partnership",
    "Helen Marsh": "Board Manager",
}

FOREWORD = """
<p>Welcome to the {season} edition. Thank you to everyone who wrote for it, and to every practitioner who took
part in our audits and reviews since the last issue.</p>
<p>This issue brings together learning from our reviews, news from partner agencies and the training on offer. If
something here changes how you work, tell us: we read every reply.</p>
"""


def _pdf(title: str) -> bytes:
    """A small but genuine one-page PDF with the document's title on it."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _docx(title: str) -> bytes:
    """A minimal Word document holding the title as its one paragraph."""
    stamp = (2026, 1, 1, 0, 0, 0)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
            '+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{title}</w:t></w:r></w:p></w:body></w:document>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(zipfile.ZipInfo(name, stamp), content)
    return out.getvalue()


def _aware(value: datetime | None):
    return timezone.make_aware(value) if value is not None else None


def _load_article(issue: Issue, position: int, data: dict) -> Article:
    name, role, agency = data["author"]
    article, _ = Article.objects.update_or_create(
        issue=issue,
        slug=data["slug"],
        defaults={
            "position": position,
            "kind": data["kind"],
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"].strip(),
            "author_name": name,
            "author_role": role,
            "author_agency": agency,
        },
    )
    article.tags.set(data["tags"])
    for number, (title, kind) in enumerate(data["documents"]):
        document = Attachment.objects.filter(article=article, title=title).first()
        if document is None:
            content = _pdf(title) if kind == "pdf" else _docx(title)
            document = Attachment(article=article, title=title, position=number)
            document.file.save(f"{data['slug']}-{number + 1}.{kind}", ContentFile(content), save=False)
            document.save()
    for number, key in enumerate(data["resources"]):
        organisation, offers, url = RESOURCES[key]
        Resource.objects.update_or_create(
            article=article, organisation=organisation, defaults={"offers": offers, "url": url, "position": number}
        )
    return article


def load() -> str:
    series_by_slug = {}
    for data in SERIES:
        series_by_slug[data["slug"]], _ = Series.objects.update_or_create(
            slug=data["slug"], defaults={key: value for key, value in data.items() if key != "slug"}
        )
    articles = 0
    for slug, number, title, published, signatory, next_edition in ISSUES:
        published_at = _aware(published)
        issue, _ = Issue.objects.update_or_create(
            series=series_by_slug[slug],
            number=number,
            defaults={
                "title": title,
                # A draft carries this month until its editor dates it.
                "issue_date": (published.date() if published else timezone.localdate()).replace(day=1),
                "status": IssueStatus.PUBLISHED if published_at else IssueStatus.DRAFT,
                "published_at": published_at,
                # Demo issues are history: nobody is emailed about them.
                "subscribers_notified_at": published_at,
                "foreword": FOREWORD.format(season=title).strip(),
                "foreword_by": signatory,
                "foreword_role": SIGNATORIES[signatory],
                "next_edition_expected": next_edition,
            },
        )
        for position, data in enumerate(ARTICLES.get((slug, number), []), start=1):
            _load_article(issue, position, data)
            articles += 1
    for slug, number, position, kind, fields in BLOCKS:
        IssueBlock.objects.update_or_create(
            issue=Issue.objects.get(series=series_by_slug[slug], number=number),
            kind=kind,
            position=position,
            defaults=fields,
        )
    # The worker makes each published issue's PDF (again, the demo's text having been loaded afresh).
    for issue in Issue.objects.filter(series__in=series_by_slug.values(), status=IssueStatus.PUBLISHED):
        issue_pdf.request_issue_pdf(issue)
    return f"{len(SERIES)} series, {len(ISSUES)} issues, {articles} articles, {len(BLOCKS)} blocks"
