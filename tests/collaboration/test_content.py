"""The guidance content shipped by migrations: both guides, complete and in the project's own plain text."""

from __future__ import annotations

import pytest

from collaboration.models import (
    CollaborationForm,
    Guide,
    Method,
    Phase,
    PhaseKind,
    PhasePrinciple,
    PhaseQuestion,
    Question,
    QuestionGroup,
    Step,
    Tip,
)
from principles.models import Principle
from tests.collaboration.helpers import CHECKLIST, MODEL

pytestmark = pytest.mark.django_db

# Number of topics the domain brief lists for each step; each needs at least one question.
TOPICS = {
    (MODEL, "status"): 11,
    (MODEL, "kunskap"): 6,
    (MODEL, "lagar-och-styrande-dokument"): 3,
    (MODEL, "problem-och-behov"): 5,
    (MODEL, "malgrupp"): 5,
    (MODEL, "samverkanspartner"): 9,
    (MODEL, "gemensam-bild"): 5,
    (MODEL, "metod"): 3,
    (MODEL, "rollfordelning"): 6,
    (MODEL, "genomfor"): 4,
    (MODEL, "utveckla"): 4,
    (MODEL, "utvardera-och-omformulera"): 6,
    (CHECKLIST, "varfor"): 3,
    (CHECKLIST, "med-vem"): 3,
    (CHECKLIST, "resurser"): 2,
    (CHECKLIST, "agarskap-och-flexibilitet"): 4,
    (CHECKLIST, "kompromisser"): 3,
}

PRINCIPLES = {
    "sjalvstandighet-och-oberoende",
    "dialog",
    "kvalitet",
    "langsiktighet",
    "oppenhet-och-insyn",
    "mangfald",
}

PHASE_PRINCIPLES = {
    "identifiera-och-involvera": {"dialog", "oppenhet-och-insyn", "mangfald", "sjalvstandighet-och-oberoende"},
    "planera-och-justera": {"oppenhet-och-insyn", "sjalvstandighet-och-oberoende", "langsiktighet", "dialog"},
    "implementera-och-polera": {"kvalitet", "dialog", "sjalvstandighet-och-oberoende"},
}


def all_steps() -> list[Step]:
    return list(Step.objects.filter(phase__guide__slug__in=[MODEL, CHECKLIST]).select_related("phase", "phase__guide"))


def test_both_guides_are_loaded():
    assert set(Guide.objects.values_list("slug", flat=True)) >= {MODEL, CHECKLIST}


def test_the_model_guide_has_prerequisites_and_three_phases_of_three_steps_in_order():
    phases = list(Phase.objects.filter(guide__slug=MODEL).order_by("order"))
    assert [(p.slug, p.kind) for p in phases] == [
        ("forutsattningar", PhaseKind.PREREQUISITES),
        ("identifiera-och-involvera", PhaseKind.PHASE),
        ("planera-och-justera", PhaseKind.PHASE),
        ("implementera-och-polera", PhaseKind.PHASE),
    ]
    steps = {p.slug: list(p.steps.order_by("order").values_list("slug", flat=True)) for p in phases}
    assert steps == {
        "forutsattningar": ["status", "kunskap", "lagar-och-styrande-dokument"],
        "identifiera-och-involvera": ["problem-och-behov", "malgrupp", "samverkanspartner"],
        "planera-och-justera": ["gemensam-bild", "metod", "rollfordelning"],
        "implementera-och-polera": ["genomfor", "utveckla", "utvardera-och-omformulera"],
    }


def test_the_checklist_guide_has_the_five_checklist_steps_in_order():
    steps = list(Step.objects.filter(phase__guide__slug=CHECKLIST).order_by("phase__order", "order"))
    assert [s.slug for s in steps] == ["varfor", "med-vem", "resurser", "agarskap-och-flexibilitet", "kompromisser"]


@pytest.mark.parametrize(("guide", "step"), list(TOPICS), ids=[f"{g}/{s}" for g, s in TOPICS])
def test_every_step_asks_at_least_one_question_per_topic_of_the_brief(guide, step):
    count = Question.objects.filter(group__step__phase__guide__slug=guide, group__step__slug=step).count()
    assert count >= TOPICS[(guide, step)]


def test_every_step_of_both_guides_is_covered_by_the_topic_table():
    assert {(s.phase.guide.slug, s.slug) for s in all_steps()} == set(TOPICS)


def test_every_step_has_questions_tips_and_its_phase_has_principles():
    for step in all_steps():
        where = f"{step.phase.guide.slug}/{step.phase.slug}/{step.slug}"
        assert Question.objects.filter(group__step=step).exists(), where
        assert Tip.objects.filter(step=step).count() >= 1, where
        assert PhasePrinciple.objects.filter(phase=step.phase).exists(), where


def test_every_question_group_has_a_heading_and_questions():
    for group in QuestionGroup.objects.filter(step__phase__guide__slug__in=[MODEL, CHECKLIST]):
        assert group.heading.strip()
        assert group.questions.exists(), group.heading


def test_the_six_principles_exist_with_what_they_ask_of_each_sector():
    principles = list(Principle.objects.all())
    assert {p.slug for p in principles} == PRINCIPLES
    for principle in principles:
        assert principle.name.strip()
        assert principle.summary.strip()
        assert principle.public_sector.strip(), principle.slug
        assert principle.civil_sector.strip(), principle.slug
        assert principle.public_sector != principle.civil_sector


@pytest.mark.parametrize("phase", list(PHASE_PRINCIPLES))
def test_each_phase_leans_on_the_principles_named_in_the_brief(phase):
    links = PhasePrinciple.objects.filter(phase__guide__slug=MODEL, phase__slug=phase).select_related("principle")
    assert {link.principle.slug for link in links} >= PHASE_PRINCIPLES[phase]
    assert all(link.why.strip() for link in links)


def content_texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for model, fields in [
        (Guide, ["title", "intro"]),
        (Phase, ["title", "intro"]),
        (PhaseQuestion, ["text"]),
        (Step, ["title", "intro"]),
        (QuestionGroup, ["heading"]),
        (Question, ["text", "help"]),
        (Tip, ["text"]),
        (Method, ["title", "text"]),
        (Principle, ["name", "summary", "public_sector", "civil_sector"]),
        (PhasePrinciple, ["why"]),
        (CollaborationForm, ["name", "summary", "fits_when", "not_fits_when", "agree_on"]),
    ]:
        for row in model.objects.values(*fields):
            texts.extend((f"{model.__name__}.{name}", value) for name, value in row.items())
    return texts


def test_the_content_has_many_texts_to_check():
    assert len(content_texts()) > 300


def test_no_content_text_contains_markup():
    with_markup = [(where, text) for where, text in content_texts() if "<" in text]
    assert with_markup == []
