"""Helpers for the guided-process tests: URLs, questions, answers and what a browser would post."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from collaboration.agreement import drafting, versions
from collaboration.cowriting.contract import Base, Edit, SaveReport, text_digest
from collaboration.models import (
    Agreement,
    AgreementSection,
    AgreementText,
    AgreementVersion,
    Answer,
    Collaboration,
    Organisation,
    Question,
    Step,
    StepProgress,
    StepStatus,
)
from portal.models import User

MODEL = "samverkansmodellen"
CHECKLIST = "infor-forsta-samtalet"
PHASE_1 = "identifiera-och-involvera"
PHASE_2 = "planera-och-justera"
PROBLEM = (MODEL, PHASE_1, "problem-och-behov")
MALGRUPP = (MODEL, PHASE_1, "malgrupp")
PARTNER = (MODEL, PHASE_1, "samverkanspartner")
PHASE_1_STEPS = ["problem-och-behov", "malgrupp", "samverkanspartner"]
# Each public party's own prerequisites, and each party's own checklist.
PREREQUISITES = "forutsattningar"
PREREQ_STATUS = (MODEL, PREREQUISITES, "status")
CHECKLIST_PHASE = "checklista"
CHECKLIST_WHY = (CHECKLIST, CHECKLIST_PHASE, "varfor")
CHECKLIST_WITH_WHOM = (CHECKLIST, CHECKLIST_PHASE, "med-vem")

NEW_BASE = f"0:{text_digest('')}"


def step_url(collaboration: Collaboration, where: tuple[str, str, str] = PROBLEM) -> str:
    return reverse("step", args=[collaboration.code, *where])


def task_list_url(collaboration: Collaboration, guide: str = MODEL) -> str:
    return reverse("task_list", args=[collaboration.code, guide])


def phase_review_url(collaboration: Collaboration, phase: str = PHASE_1, guide: str = MODEL) -> str:
    return reverse("phase_review", args=[collaboration.code, guide, phase])


def guide_review_url(collaboration: Collaboration, guide: str = MODEL) -> str:
    return reverse("guide_review", args=[collaboration.code, guide])


def history_url(collaboration: Collaboration, where: tuple[str, str, str] = PROBLEM) -> str:
    return reverse("step_history", args=[collaboration.code, *where])


def revision_url(
    collaboration: Collaboration, question: Question, number: int, where: tuple[str, str, str] = PROBLEM
) -> str:
    return reverse("revision_detail", args=[collaboration.code, *where, question.code, number])


def compare_url(collaboration: Collaboration, guide: str = CHECKLIST, phase: str = CHECKLIST_PHASE) -> str:
    return reverse("phase_compare", args=[collaboration.code, guide, phase])


def share_url(collaboration: Collaboration, guide: str = CHECKLIST, phase: str = CHECKLIST_PHASE) -> str:
    return reverse("phase_share", args=[collaboration.code, guide, phase])


def login_url() -> str:
    return reverse("login")


def step_obj(where: tuple[str, str, str] = PROBLEM) -> Step:
    guide, phase, step = where
    return Step.objects.get(phase__guide__slug=guide, phase__slug=phase, slug=step)


def questions(where: tuple[str, str, str] = PROBLEM) -> list[Question]:
    """The step's questions in the order the page shows them."""
    guide, phase, step = where
    return list(
        Question.objects.filter(
            group__step__phase__guide__slug=guide, group__step__phase__slug=phase, group__step__slug=step
        )
        .select_related("group")
        .order_by("group__order", "order")
    )


def browser_post(response: Any) -> dict[str, str]:
    """Every field of the step form in `response` (answers, bases, writer token, draft owner), as a browser posts them."""
    form = response.context["form"]
    data: dict[str, str] = {}
    for name in form.fields:
        if name == "writer" or name.startswith(("answer-", "base-", "seen-", "mine-")):
            value = form[name].value()
            data[name] = "" if value is None else str(value)
    owner = re.search(r'name="draft_owner" value="([^"]+)"', response.text)
    if owner:
        data["draft_owner"] = owner.group(1)  # the page's signed owner token (portal.drafts)
    return data


def load_form(client: Client, collaboration: Collaboration, where: tuple[str, str, str] = PROBLEM) -> dict[str, str]:
    response = client.get(step_url(collaboration, where))
    assert response.status_code == 200
    return browser_post(response)


def post_answers(
    client: Client,
    collaboration: Collaboration,
    texts: dict[Question, str],
    *,
    where: tuple[str, str, str] = PROBLEM,
    action: str = "save-later",
    form: dict[str, str] | None = None,
    htmx: bool = False,
    **extra: str,
) -> Any:
    """Post the step form: the loaded form (or a fresh one) with `texts` typed into it."""
    data = dict(form) if form is not None else load_form(client, collaboration, where)
    for question, text in texts.items():
        data[f"answer-{question.code}"] = text
    data["action"] = action
    data.update(extra)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(step_url(collaboration, where), data, **headers)


def write_answer(
    collaboration: Collaboration,
    question: Question,
    text: str,
    user: User,
    organisation: Organisation | None,
    *,
    party: Organisation | None = None,
) -> Answer:
    """Store an answer as a save through the process would, with its history entry (`party`: whose own answer)."""
    current = Answer.objects.filter(collaboration=collaboration, question=question, party_organisation=party).first()
    base = current.base if current else Base.parse(NEW_BASE)
    results = Answer.save_texts(
        collaboration=collaboration,
        edits=[Edit(slot=question, text=text, base=base)],
        writer=f"test-writer-{user.pk}-{question.pk}",
        user=user,
        organisation=organisation,
        party=party,
    )
    answer = results[question.pk].answer
    assert answer is not None
    assert answer.text == text
    return answer


def mark_steps(collaboration: Collaboration, steps: list[Step], status: str = StepStatus.DONE) -> None:
    for step in steps:
        StepProgress.objects.update_or_create(collaboration=collaboration, step=step, defaults={"status": status})


def stored(collaboration: Collaboration, question: Question, party: Organisation | None = None) -> str | None:
    answer = Answer.objects.filter(collaboration=collaboration, question=question, party_organisation=party).first()
    return answer.text if answer else None


def autosave_result(response: Any, question: Question) -> dict[str, Any]:
    """What an autosave response tells the page about one box (the JSON that portal.js reads)."""
    match = re.search(r'<script id="autosave-data" type="application/json">(.*?)</script>', response.text, re.S)
    assert match, "the autosave response carries no data for the page"
    results = {r["code"]: r for r in json.loads(match.group(1))["results"]}
    return results[question.code]


# --- The shared agreement -------------------------------------------------------------------


def section(slug: str) -> AgreementSection:
    return AgreementSection.objects.get(slug=slug)


def write_sections(
    agreement: Agreement, texts: dict[str, str], user: User, organisation: Organisation | None
) -> SaveReport:
    """Save section texts (by slug) as the editing page would, each on the base it was loaded with."""
    stored = {t.section.slug: t for t in AgreementText.objects.filter(agreement=agreement).select_related("section")}
    edits = [
        Edit(slot=section(slug), text=text, base=stored[slug].base if slug in stored else Base.parse(NEW_BASE))
        for slug, text in texts.items()
    ]
    return drafting.agreement_save(
        agreement=agreement, edits=edits, writer=f"test-page-{user.pk}", user=user, organisation=organisation
    )


def section_text(agreement: Agreement, slug: str) -> str | None:
    text = AgreementText.objects.filter(agreement=agreement, section__slug=slug).first()
    return text.text if text else None


def send_version(
    collaboration: Collaboration,
    user: User,
    organisation: Organisation | None,
    texts: dict[str, str] | None = None,
) -> AgreementVersion:
    """Start the agreement if needed, write `texts` (a default background if none), send it for review."""
    agreement = drafting.get_agreement(collaboration) or drafting.agreement_start(
        collaboration=collaboration, user=user, organisation=organisation, from_process=False
    )
    report = write_sections(
        agreement, texts or {"bakgrund-och-problembild": "Barn i Centrum behöver läxhjälp."}, user, organisation
    )
    assert report.conflicts == []
    outcome, version = versions.agreement_send(agreement=agreement, user=user, organisation=organisation)
    assert outcome is versions.SendOutcome.SENT, outcome
    assert version is not None
    return version
