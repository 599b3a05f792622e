"""The demo manual: five sections, 25 chapters, a glossary and three update rounds.

The rounds are published through ``round_publish`` at fixed past dates, so
chapters have several versions, one chapter is renamed, two are new in the
latest round and one is withdrawn. Running ``load()`` again changes nothing:
rows are found by natural keys and a round already published is left alone.
"""

from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from .models import Amendment, AmendmentKind, Chapter, ChapterStatus, ChapterVersion, GlossaryTerm, Manual, Section
from .models import UpdateRound as Round
from .services import round_publish

LONDON = timezone.get_default_timezone()

SECTIONS = [
    ("responding", "Responding to concerns", "What every practitioner does when they are worried about a child."),
    ("assessment", "Assessment and planning", "Assessments, strategy discussions, conferences and plans."),
    ("specific", "Specific circumstances", "Forms of abuse and situations that need a particular response."),
    ("agencies", "Agency roles and responsibilities", "What each partner agency is expected to do."),
    ("learning", "Learning and improvement", "Case reviews, audits and resolving disagreements between agencies."),
]


def _html(sections) -> str:
    """A chapter body from (heading, [paragraph or list of bullet points, …]) pairs."""
    parts = []
    for heading, blocks in sections:
        parts.append(f"<h2>{escape(heading)}</h2>")
        for block in blocks:
            if isinstance(block, list):
                parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block) + "</ul>")
            else:
                parts.append(f"<p>{escape(block)}</p>")
    return "".join(parts)


def _chapter(key, section, title, summary, key_words, sections):
    return {
        "key": key,
        "section": section,
        "title": title,
        "summary": summary,
        "key_words": key_words,
        "sections": sections,
    }


TELL = "If a child is in immediate danger, call the police on 999."

CHAPTERS = [
    _chapter(
        "recognising-abuse-and-neglect",
        "responding",
        "Recognising abuse and neglect",
        "The four categories of abuse, the signs to look for and why a single sign is rarely enough on its own.",
        "signs, indicators, categories of abuse",
        [
            (
                "Categories of abuse",
                [
                    "Working Together describes four categories of abuse. A child may suffer more than one.",
                    ["physical abuse", "emotional abuse", "sexual abuse", "neglect"],
                ],
            ),
            (
                "Signs and indicators",
                [
                    "Signs may appear in what a child says, how they behave, how they look or what others notice. "
                    "Record what you see and hear in the child's own words where you can.",
                ],
            ),
            ("What to do next", ["Follow the chapter on making a referral. " + TELL]),
        ],
    ),
    _chapter(
        "making-a-referral",
        "responding",
        "Making a referral to children's social care",
        "How to refer a concern to the Children's Front Door, what information to give and what happens next.",
        "referral, front door, MASH, consent",
        [
            (
                "When to refer",
                [
                    "Refer when you believe a child has suffered, or is likely to suffer, significant harm, or when "
                    "a child's needs cannot be met by early help alone.",
                ],
            ),
            (
                "Information to give",
                [
                    [
                        "the child's name, date of birth and address",
                        "who has parental responsibility",
                        "what you are worried about and why",
                        "what the family has been told about the referral",
                    ]
                ],
            ),
            (
                "Consent",
                [
                    "Seek the parents' agreement before referring unless doing so would put the child at greater "
                    "risk. Record your decision and the reasons for it.",
                ],
            ),
            (
                "Feedback to the referrer",
                ["The Front Door will tell you within one working day what it has decided to do."],
            ),
        ],
    ),
    _chapter(
        "information-sharing",
        "responding",
        "Information sharing",
        "When and how to share information about a child and family, with or without consent.",
        "GDPR, data protection, confidentiality",
        [
            (
                "The principles",
                [
                    "Data protection law does not stop practitioners sharing information to keep a child safe. "
                    "Share what is necessary, proportionate, relevant, accurate, timely and secure.",
                ],
            ),
            (
                "Sharing without consent",
                ["You may share without consent when seeking it would put a child at risk of significant harm."],
            ),
            ("Recording", ["Record what you shared, with whom, when and why."]),
        ],
    ),
    _chapter(
        "early-help",
        "responding",
        "Early help",
        "Support for children and families before problems become serious, and how the early help assessment works.",
        "early help assessment, team around the family",
        [
            (
                "What early help is",
                [
                    "Early help means offering support as soon as a problem appears, at any point in a child's life.",
                ],
            ),
            (
                "The early help assessment",
                [
                    "Any practitioner can start an early help assessment with the family's agreement. A lead "
                    "practitioner coordinates a team around the family.",
                ],
            ),
            (
                "Stepping up",
                ["If concerns grow, make a referral to children's social care and tell the family you have done so."],
            ),
        ],
    ),
    _chapter(
        "allegations-against-staff",
        "responding",
        "Allegations against staff and volunteers",
        "What to do when someone who works with children may have harmed a child, and the role of the LADO.",
        "LADO, position of trust, allegation",
        [
            (
                "When this chapter applies",
                [
                    "When a person who works with children has behaved in a way that has harmed a child, may have "
                    "committed a criminal offence against a child, or behaved in a way that suggests they may pose "
                    "a risk to children.",
                ],
            ),
            ("Telling the LADO", ["Tell the Local Authority Designated Officer within one working day."]),
            (
                "Supporting the person",
                ["Keep the person informed as far as the police and the LADO allow, and offer them support."],
            ),
        ],
    ),
    _chapter(
        "strategy-discussions",
        "assessment",
        "Strategy discussions",
        "When a strategy discussion is held, who takes part and what it must decide.",
        "strategy meeting, section 47",
        [
            (
                "When to hold one",
                ["Whenever there is reasonable cause to suspect a child is suffering, or likely to suffer, harm."],
            ),
            ("Who takes part", [["children's social care", "police", "health", "the referring agency"]]),
            ("Decisions", ["Whether to start a section 47 enquiry, and what immediate action keeps the child safe."]),
        ],
    ),
    _chapter(
        "section-47-enquiries",
        "assessment",
        "Section 47 enquiries",
        "How children's social care and partners find out whether a child is suffering significant harm.",
        "child protection enquiry, s47",
        [
            ("Purpose", ["To decide whether action is needed to safeguard and promote the child's welfare."]),
            (
                "Seeing the child",
                ["The child must be seen, and seen alone where appropriate, by the lead social worker."],
            ),
            ("Outcomes", ["The enquiry may lead to no further action, a child in need plan or a conference."]),
        ],
    ),
    _chapter(
        "child-protection-conferences",
        "assessment",
        "Child protection conferences",
        "The initial and review conferences: who is invited, how decisions are made and how families take part.",
        "ICPC, RCPC, conference",
        [
            (
                "The initial conference",
                ["Held within 15 working days of the strategy discussion that started the section 47 enquiry."],
            ),
            (
                "Reports",
                [
                    "Each agency writes a report and shares it with the parents at least two working days before "
                    "the conference.",
                ],
            ),
            ("Decisions", ["The conference decides whether the child needs a child protection plan."]),
        ],
    ),
    _chapter(
        "child-protection-plans",
        "assessment",
        "Child protection plans and core groups",
        "How a child protection plan is written, carried out by the core group and reviewed.",
        "core group, plan, review",
        [
            (
                "The core group",
                ["The core group meets within 10 working days of the initial conference and then at least monthly."],
            ),
            ("The plan", ["The plan says what must change, who will do what, and by when."]),
            ("Ending a plan", ["A plan ends when a review conference decides the child is no longer at risk."]),
        ],
    ),
    _chapter(
        "paediatric-medical-assessments",
        "assessment",
        "Paediatric medical assessments",
        "When a child needs a medical assessment as part of a child protection enquiry, and how to arrange one.",
        "medical, paediatrician, examination",
        [
            (
                "When an assessment is needed",
                [
                    "When a child may have been physically or sexually abused or neglected, the strategy "
                    "discussion decides whether a paediatric assessment is needed.",
                ],
            ),
            ("Consent", ["Consent is needed from a person with parental responsibility, or from a competent child."]),
            ("Arranging it", ["Contact the on-call paediatrician at Northbrook General Hospital."]),
        ],
    ),
    _chapter(
        "neglect",
        "specific",
        "Neglect",
        "Recognising and responding to neglect, including the neglect toolkit used by all agencies.",
        "neglect toolkit, home conditions, hygiene",
        [
            (
                "Recognising neglect",
                [
                    "Neglect is the persistent failure to meet a child's basic physical or psychological needs.",
                    ["missed health appointments", "poor hygiene", "a child often hungry", "unsafe home conditions"],
                ],
            ),
            ("Using the neglect toolkit", ["Use the toolkit to record what you see over time, not on one visit."]),
            ("Responding", ["Discuss your concerns with your designated safeguarding lead."]),
        ],
    ),
    _chapter(
        "child-sexual-exploitation",
        "specific",
        "Child sexual exploitation",
        "Recognising and responding to child sexual exploitation, including online.",
        "CSE, grooming, exploitation",
        [
            (
                "What it is",
                [
                    "Child sexual exploitation is a form of sexual abuse where a child is coerced, manipulated or "
                    "deceived into sexual activity in exchange for something they need or want.",
                ],
            ),
            ("Signs", [["going missing", "unexplained gifts or money", "older boyfriends or girlfriends"]]),
            ("Responding", ["Complete the exploitation risk assessment and refer to children's social care."]),
        ],
    ),
    _chapter(
        "children-missing",
        "specific",
        "Children missing from home or care",
        "What to do when a child goes missing, and the return home interview.",
        "missing, runaway, return interview",
        [
            ("Reporting", ["Report a missing child to the police straight away. Do not wait 24 hours."]),
            ("Return home interviews", ["An independent person offers the child an interview within 72 hours."]),
            ("Patterns", ["Repeated missing episodes may be a sign of exploitation."]),
        ],
    ),
    _chapter(
        "domestic-abuse",
        "specific",
        "Domestic abuse",
        "The effect of domestic abuse on children and how agencies respond together, including MARAC.",
        "MARAC, DASH, coercive control",
        [
            ("Children as victims", ["Children who see, hear or experience domestic abuse are victims of it."]),
            ("Risk assessment", ["Use the DASH risk checklist and refer high-risk cases to MARAC."]),
            ("Safety planning", ["Plan with the non-abusing parent how to keep themselves and the children safe."]),
        ],
    ),
    _chapter(
        "female-genital-mutilation",
        "specific",
        "Female genital mutilation",
        "Recognising the risk of FGM and the mandatory reporting duty.",
        "FGM, mandatory reporting, harmful practices",
        [
            ("The law", ["FGM is illegal in the UK, including taking a girl abroad for it."]),
            (
                "Mandatory reporting",
                ["Teachers, health and social care professionals must report known cases in under-18s to the police."],
            ),
            ("Responding to risk", ["If a girl may be at risk, refer to children's social care."]),
        ],
    ),
    _chapter(
        "radicalisation",
        "specific",
        "Safeguarding children from radicalisation",
        "The Prevent duty, recognising vulnerability and making a Channel referral.",
        "Prevent, Channel, extremism",
        [
            (
                "The Prevent duty",
                ["Schools, health and other bodies must help stop people being drawn into terrorism."],
            ),
            ("Signs", ["Changes in behaviour, friends or online activity may show a child is being influenced."]),
            ("Referral", ["Discuss with your Prevent lead, who may refer to Channel."]),
        ],
    ),
    _chapter(
        "online-safety",
        "specific",
        "Online safety",
        "Risks children meet online, including sharing nude images, and how to respond.",
        "sexting, nude images, online abuse",
        [
            ("Risks", [["grooming", "cyberbullying", "sharing nude or semi-nude images", "harmful content"]]),
            ("Images shared by children", ["Do not view, copy or send the images. Tell the safeguarding lead."]),
            ("Support", ["Help the child report the content and remove it where possible."]),
        ],
    ),
    _chapter(
        "private-fostering",
        "specific",
        "Private fostering",
        "When a child lives with someone who is not a close relative for 28 days or more.",
        "private fostering notification",
        [
            ("What it is", ["A child under 16 cared for by someone other than a parent or close relative."]),
            ("Notifying the council", ["Parents and carers must tell children's social care. So should you."]),
        ],
    ),
    _chapter(
        "private-fostering-2015",
        "specific",
        "Private fostering notifications (2015 guidance)",
        "The notification forms used before the current private fostering chapter.",
        "private fostering form",
        [
            ("Notification forms", ["Use form PF1 to notify the council of a private fostering arrangement."]),
            ("Timescales", ["Notify at least six weeks before the arrangement starts."]),
        ],
    ),
    _chapter(
        "role-of-schools",
        "agencies",
        "The role of schools and colleges",
        "The designated safeguarding lead, staff training and working with other agencies.",
        "DSL, Keeping Children Safe in Education",
        [
            ("The designated safeguarding lead", ["Every school has a designated safeguarding lead and a deputy."]),
            ("Training", ["All staff have safeguarding training when they start and regular updates."]),
            ("Attendance at meetings", ["Schools attend conferences and core groups for their pupils."]),
        ],
    ),
    _chapter(
        "role-of-health",
        "agencies",
        "The role of health services",
        "What GPs, health visitors, school nurses and hospital staff do to keep children safe.",
        "GP, health visitor, named nurse",
        [
            ("Named and designated professionals", ["Each trust has named professionals for safeguarding advice."]),
            ("Was not brought", ["Treat a child not brought to appointments as a possible sign of neglect."]),
        ],
    ),
    _chapter(
        "role-of-police",
        "agencies",
        "The role of the police",
        "The police's duties in child protection, including police protection powers.",
        "police protection, public protection unit",
        [
            ("Police protection", ["An officer may remove a child to suitable accommodation for up to 72 hours."]),
            ("Joint investigations", ["Police and social workers plan joint interviews at the strategy discussion."]),
        ],
    ),
    _chapter(
        "serious-case-reviews",
        "learning",
        "Child safeguarding practice reviews",
        "When a serious incident is reviewed, how agencies take part and how learning is shared.",
        "serious case review, rapid review, learning",
        [
            ("Notifying an incident", ["The council notifies serious incidents within five working days."]),
            ("The rapid review", ["The partners meet within 15 working days to decide whether to review."]),
            ("Sharing learning", ["Learning is shared through briefings, training and this manual."]),
        ],
    ),
    _chapter(
        "resolving-disagreements",
        "learning",
        "Resolving professional disagreements",
        "How to escalate when you disagree with another agency's decision about a child.",
        "escalation, disagreement",
        [
            ("Talk first", ["Speak to the practitioner directly within two working days."]),
            ("Escalating", ["If you still disagree, raise it with managers, then with the Board Manager."]),
        ],
    ),
]

# Chapters that the latest round adds.
NEW_CHAPTERS = [
    _chapter(
        "sexual-abuse",
        "specific",
        "Sexual abuse",
        "Recognising and responding to child sexual abuse, including abuse within the family.",
        "sexual abuse, intra-familial, disclosure",
        [
            (
                "Recognising sexual abuse",
                ["Most children do not tell. Signs may be physical, emotional or in what a child says or draws."],
            ),
            ("When a child tells you", ["Listen, do not ask leading questions, and record the child's words."]),
            ("Responding", ["Refer to children's social care the same day. Do not tell the alleged abuser."]),
        ],
    ),
    _chapter(
        "gangs-and-criminal-exploitation",
        "specific",
        "Gangs and criminal exploitation",
        "County lines, criminal exploitation and the multi-agency response.",
        "county lines, CCE, gangs",
        [
            (
                "Criminal exploitation",
                ["Children are coerced into crime such as carrying drugs or money, often across county lines."],
            ),
            ("Signs", [["going missing", "unexplained money or phones", "injuries", "new older friends"]]),
            ("Responding", ["Treat the child as a victim. Refer to children's social care and the police."]),
        ],
    ),
]

RELATED = {
    "neglect": ["recognising-abuse-and-neglect", "role-of-health"],
    "child-sexual-exploitation": ["children-missing", "online-safety", "gangs-and-criminal-exploitation"],
    "strategy-discussions": ["section-47-enquiries", "paediatric-medical-assessments"],
    "child-protection-conferences": ["child-protection-plans", "section-47-enquiries"],
    "making-a-referral": ["information-sharing", "early-help"],
}

GLOSSARY = [
    ("child-protection-plan", "Child protection plan", "CPP", "A plan agreed at a conference to keep a child safe."),
    ("core-group", "Core group", "", "The practitioners and family members who carry out a child protection plan."),
    ("cse", "Child sexual exploitation", "CSE", "Sexual abuse in which a child is exploited for something in return."),
    ("county-lines", "County lines", "", "Gangs moving drugs between areas using children to carry them."),
    ("dsl", "Designated safeguarding lead", "DSL", "The member of staff who leads on safeguarding in a school."),
    ("early-help", "Early help", "", "Support for a family as soon as a problem appears."),
    ("fgm", "Female genital mutilation", "FGM", "Cutting or removing female genitals for non-medical reasons."),
    ("icpc", "Initial child protection conference", "ICPC", "The first conference after a section 47 enquiry."),
    (
        "lado",
        "Local Authority Designated Officer",
        "LADO",
        "Manages allegations against people who work with children.",
    ),
    ("marac", "MARAC", "", "Multi-agency risk assessment conference for high-risk domestic abuse."),
    ("mash", "Multi-agency safeguarding hub", "MASH", "Agencies working together at the front door."),
    ("prevent", "Prevent", "", "The duty to help stop people being drawn into terrorism."),
    ("section-47", "Section 47 enquiry", "", "An enquiry into whether a child is suffering significant harm."),
    ("significant-harm", "Significant harm", "", "The threshold for compulsory intervention in family life."),
    ("strategy-discussion", "Strategy discussion", "", "Agencies deciding together whether to start an enquiry."),
]


def _at(year, month, day):
    return datetime(year, month, day, 9, 0, tzinfo=LONDON)


def _changed(chapter: dict, *, add=None, replace=None, **fields) -> dict:
    sections = [list(section) for section in chapter["sections"]]
    if replace:
        index, blocks = replace
        sections[index] = [sections[index][0], blocks]
    if add:
        sections.append(add)
    return {**chapter, **fields, "sections": [tuple(section) for section in sections]}


BY_KEY = {chapter["key"]: chapter for chapter in CHAPTERS + NEW_CHAPTERS}
JULY_NEGLECT = _changed(
    BY_KEY["neglect"],
    replace=(
        1,
        [
            "Use the toolkit to record what you see over time, not on one visit. Share the completed toolkit "
            "with the family and with the other agencies involved."
        ],
    ),
)
ROUNDS = [
    {
        "title": "January 2025 edition",
        "introduction": "The manual published online for the first time, replacing the printed 2019 edition.",
        "at": _at(2025, 1, 13),
        "changes": [(chapter, AmendmentKind.NEW, "New chapter.", "", False) for chapter in CHAPTERS],
    },
    {
        "title": "July 2025 update",
        "introduction": "",
        "at": _at(2025, 7, 14),
        "changes": [
            (
                JULY_NEGLECT,
                AmendmentKind.UPDATED,
                "Section 2 has been updated: the completed neglect toolkit is now shared with the family.",
                "2",
                True,
            ),
            (
                _changed(
                    BY_KEY["children-missing"],
                    add=("Links", ["See also the chapter on child sexual exploitation."]),
                ),
                AmendmentKind.UPDATED,
                "A link to the child sexual exploitation chapter has been added.",
                "4",
                False,
            ),
            (
                _changed(
                    BY_KEY["child-protection-conferences"],
                    replace=(
                        1,
                        [
                            "Each agency writes a report and shares it with the parents at least three working "
                            "days before the conference."
                        ],
                    ),
                ),
                AmendmentKind.UPDATED,
                "Section 2 has been updated to reflect the new timescale for sharing reports with parents.",
                "2",
                True,
            ),
            (
                BY_KEY["role-of-police"],
                AmendmentKind.REVIEWED,
                "This chapter has been reviewed. No changes.",
                "",
                False,
            ),
        ],
    },
    {
        "title": "March 2026 update",
        "introduction": "Two new chapters, a renamed chapter and a withdrawn chapter.",
        "at": _at(2026, 3, 9),
        "changes": [
            (
                _changed(
                    BY_KEY["paediatric-medical-assessments"],
                    title="Child protection medical assessments",
                    slug="child-protection-medical-assessments",
                    replace=(
                        2,
                        [
                            "Contact the on-call paediatrician through the hospital switchboard. Out of "
                            "hours, the sexual assault referral centre arranges examinations after sexual abuse."
                        ],
                    ),
                ),
                AmendmentKind.RENAMED,
                "This chapter, previously called Paediatric medical assessments, has been updated and should be "
                "read throughout.",
                "throughout",
                True,
            ),
            (
                NEW_CHAPTERS[0],
                AmendmentKind.NEW,
                "A new chapter on recognising and responding to sexual abuse.",
                "",
                True,
            ),
            (
                NEW_CHAPTERS[1],
                AmendmentKind.NEW,
                "A new chapter on gangs, county lines and criminal exploitation.",
                "",
                True,
            ),
            (
                _changed(JULY_NEGLECT, add=("Further reading", ["The neglect strategy 2026 to 2029."])),
                AmendmentKind.UPDATED,
                "A link to the new neglect strategy has been added.",
                "4",
                False,
            ),
            (
                BY_KEY["private-fostering-2015"],
                AmendmentKind.ARCHIVED,
                "This chapter has been withdrawn: see Private fostering.",
                "",
                False,
            ),
        ],
    },
]


def _find_chapter(key: str) -> Chapter | None:
    return Chapter.objects.filter(Q(slug=key) | Q(versions__slug=key)).distinct().first()


def _load_round(spec: dict, sections: dict[str, Section]) -> bool:
    if Round.objects.filter(title=spec["title"], published_at__isnull=False).exists():
        return False
    update_round, _ = Round.objects.update_or_create(
        title=spec["title"], defaults={"introduction": spec["introduction"]}
    )
    for position, (chapter_spec, kind, details, sections_affected, major) in enumerate(spec["changes"]):
        chapter = _find_chapter(chapter_spec["key"])
        if chapter is None:
            chapter = Chapter.objects.create(
                section=sections[chapter_spec["section"]],
                position=position,
                title=chapter_spec["title"],
            )
        if kind not in (AmendmentKind.REVIEWED, AmendmentKind.ARCHIVED):
            ChapterVersion.objects.update_or_create(
                chapter=chapter,
                update_round=update_round,
                defaults={
                    "title": chapter_spec["title"],
                    "slug": chapter_spec.get("slug", chapter_spec["key"]),
                    "summary": chapter_spec["summary"],
                    "body": _html(chapter_spec["sections"]),
                    "key_words": chapter_spec["key_words"],
                    "status": ChapterStatus.CURRENT,
                },
            )
        Amendment.objects.update_or_create(
            update_round=update_round,
            chapter=chapter,
            defaults={
                "kind": kind,
                "details": details,
                "sections_affected": sections_affected,
                "major": major,
                "position": position,
            },
        )
    round_publish(update_round=update_round, at=spec["at"])
    return True


def _upsert(model, lookup: dict, values: dict):
    """Create the row, or update the fields that differ; an unchanged row is not saved (no new history)."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if instance.pk is None or changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
    return instance


def load() -> str:
    manual = Manual.get_solo()
    _upsert(
        Manual,
        {"pk": manual.pk},
        {
            "title": "Northbrook child protection procedures",
            "description": (
                "The multi-agency procedures every practitioner in Northbrook follows to keep children safe. "
                "Printed copies are valid for 72 hours only: always check the online version."
            ),
            "next_update": date(2027, 3, 1),
        },
    )
    sections = {}
    for position, (slug, title, description) in enumerate(SECTIONS):
        sections[slug] = _upsert(
            Section, {"slug": slug}, {"title": title, "description": description, "position": position}
        )
    for slug, term, also, definition in GLOSSARY:
        _upsert(GlossaryTerm, {"slug": slug}, {"term": term, "also_known_as": also, "definition": definition})
    published = sum(_load_round(spec, sections) for spec in ROUNDS)
    for key, others in RELATED.items():
        chapter = _find_chapter(key)
        chapter.related.add(*[_find_chapter(other) for other in others])
    chapters = Chapter.objects.published().count()
    return (
        f"{len(SECTIONS)} sections, {chapters} chapters, {len(ROUNDS)} update rounds "
        f"({published} published now), {len(GLOSSARY)} glossary terms"
    )
