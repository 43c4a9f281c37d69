"""The questions each kind of reporting form asks an agency that knew the child.

They follow the sections of the statutory child death reporting form and its supplementary
forms (GOV.UK "Child death reviews: forms for reporting child deaths"; uk-safeguarding-domain.md
1.3), in plain words and as free text: the panel reads them, and NCMD takes the structured
data from the secretariat's own records. Every question may be answered "Not known" instead of
being left blank, as agencies tick NK on the paper forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.cdop.models import FormKind


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    hint: str = ""


_REPORTING = (
    Question(
        "involvement",
        "How did your organisation know the child, and for how long?",
        "For example, the child's GP practice since birth, or the school since September 2024.",
    ),
    Question(
        "last_contact",
        "When did your organisation last see the child, and why?",
    ),
    Question(
        "health",
        "The child's health and development, as your organisation knew them",
        "Conditions, disabilities, medication, and any concerns about growth or development.",
    ),
    Question(
        "family",
        "The family and home, as your organisation knew them",
        "Who the child lived with, and anything about the home or the family's circumstances "
        "that the panel should know.",
    ),
    Question(
        "safeguarding",
        "Were there any safeguarding concerns about the child or the family?",
        "Referrals, child protection plans or concerns recorded, and what was done.",
    ),
    Question(
        "services",
        "Services your organisation gave or referred the child or family to",
    ),
    Question(
        "events",
        "What your organisation knows about the events leading to the death",
    ),
    Question("other", "Anything else the panel should know"),
)

_SUDI = (
    Question(
        "sleep",
        "Where and how was the child sleeping, and with whom?",
        "The sleep surface, position put down and found, bedding, and anyone sharing the sleep "
        "surface.",
    ),
    Question("smoking", "Did anyone in the household smoke, or use alcohol or drugs?"),
    Question("feeding", "How was the child fed, and were there any recent changes?"),
    Question("illness", "Had the child been unwell in the days before the death?"),
    Question("safer_sleep", "What safer sleep advice had the family been given, and when?"),
)

_SUICIDE = (
    Question("self_harm", "Had the young person self-harmed or talked of suicide before?"),
    Question(
        "mental_health",
        "What support for their mental health did the young person have?",
        "Referrals, assessments, waiting times and treatment.",
    ),
    Question(
        "life_events",
        "Recent events in the young person's life",
        "For example bereavement, a relationship ending, exams, bullying (including online), "
        "or contact with the police.",
    ),
    Question("substances", "Did the young person use alcohol or drugs?"),
    Question("help_sought", "Had the young person or the family asked anyone for help?"),
)

_ROAD_TRAFFIC = (
    Question(
        "road_user",
        "How was the child using the road?",
        "For example as a pedestrian, cyclist, passenger or driver.",
    ),
    Question(
        "protection",
        "Was the child using a seat belt, child seat or helmet?",
    ),
    Question("circumstances", "What is known about how the collision happened?"),
    Question("other_factors", "Were speed, alcohol, drugs or phone use thought to be factors?"),
)

_NEONATAL = (
    Question("gestation", "The gestation and birth weight"),
    Question("antenatal", "The antenatal care the mother had, and any concerns in pregnancy"),
    Question("delivery", "The labour and delivery, and the baby's condition at birth"),
    Question("neonatal_care", "The care the baby had after birth"),
)

_LIFE_LIMITING = (
    Question("condition", "The child's condition, and when it was diagnosed"),
    Question("care_plan", "Was there an advance care plan, and was it followed?"),
    Question("end_of_life", "The care the child had at the end of life, and where"),
    Question("family_support", "The support the family had, including after the death"),
)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    FormKind.REPORTING: _REPORTING,
    FormKind.SUDI: _SUDI,
    FormKind.SUICIDE: _SUICIDE,
    FormKind.ROAD_TRAFFIC: _ROAD_TRAFFIC,
    FormKind.NEONATAL: _NEONATAL,
    FormKind.LIFE_LIMITING: _LIFE_LIMITING,
}


def questions_for(kind: str) -> tuple[Question, ...]:
    return QUESTIONS[FormKind(kind)]
