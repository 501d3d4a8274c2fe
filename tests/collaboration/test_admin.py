"""The collaboration app's parts of the admin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.guidance.loader import CONTENT_DIR
from collaboration.models import PhasePrinciple, Question, Tip
from tests.collaboration.helpers import write_answer
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_persons_admin_page_shows_their_memberships(admin_client, cast):
    page = admin_client.get(reverse("admin:portal_user_change", args=[cast.officer.pk]))
    assert page.status_code == 200
    assert "Halmstads kommun" in page.text  # the membership inline the collaboration app adds


def test_a_phase_admin_page_edits_its_principles(admin_client, cast):
    link = PhasePrinciple.objects.select_related("phase").first()
    page = admin_client.get(reverse("admin:collaboration_phase_change", args=[link.phase_id]))
    assert page.status_code == 200
    assert link.why in page.text


def admin_form_data(response: Any) -> dict[str, Any]:
    """What the admin change page in `response` posts back unchanged, inlines included."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def run_a_later_content_migration(content_dir: Path | None = None) -> None:
    """Load the shipped guidance again, as a later content migration would (real models)."""
    from django.apps import apps

    from collaboration.guidance import loader

    if content_dir is None:
        loader.load_guides(apps, "guidance_v1.json")
        return
    original = loader.CONTENT_DIR
    loader.CONTENT_DIR = content_dir
    try:
        loader.load_guides(apps, "guidance_v1.json")
    finally:
        loader.CONTENT_DIR = original


def edit_a_question_and_add_a_tip_in_the_admin(admin_client: Client) -> tuple[Question, Tip]:
    question = Question.objects.get(code__startswith="malgrupp-", order=1, group__order=1)
    url = reverse("admin:collaboration_questiongroup_change", args=[question.group_id])
    data = admin_form_data(admin_client.get(url))
    [name] = [k for k, v in data.items() if k.endswith("-id") and v == str(question.pk)]
    data[name.removesuffix("-id") + "-text"] = "Vilka barn och unga vill ni nå först?"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    step = question.group.step
    url = reverse("admin:collaboration_step_change", args=[step.pk])
    page = admin_client.get(url)
    data = admin_form_data(page)
    tips = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is Tip)
    index = int(data[f"{tips.prefix}-TOTAL_FORMS"])
    data[f"{tips.prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{tips.prefix}-{index}-text"] = "Fråga fritidsgården vilka som inte kommer dit."
    data[f"{tips.prefix}-{index}-order"] = "99"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return Question.objects.get(pk=question.pk), Tip.objects.get(step=step, order=99)


def test_a_later_content_load_keeps_a_question_and_a_tip_edited_in_the_admin(admin_client, cast):
    question, tip = edit_a_question_and_add_a_tip_in_the_admin(admin_client)
    tips_before = Tip.objects.filter(step=tip.step).count()

    run_a_later_content_migration()

    assert Question.objects.get(pk=question.pk).text == "Vilka barn och unga vill ni nå först?"
    assert Tip.objects.filter(pk=tip.pk, text="Fråga fritidsgården vilka som inte kommer dit.").exists()
    assert Tip.objects.filter(step=tip.step).count() == tips_before


def test_newer_shipped_content_updates_only_what_no_admin_touched(admin_client, cast, tmp_path):
    edited, added_tip = edit_a_question_and_add_a_tip_in_the_admin(admin_client)
    content = json.loads((CONTENT_DIR / "guidance_v1.json").read_text(encoding="utf-8"))
    step_data = next(
        s for g in content["guides"] for p in g["phases"] for s in p["steps"] if s["slug"] == added_tip.step.slug
    )
    untouched = step_data["groups"][0]["questions"][1]
    untouched["text"] = "Vilken målgrupp gäller det, enligt den nya texten?"
    step_data["groups"][0]["questions"][0]["text"] = "Den nya texten för frågan admin ändrade"
    dropped_tip = step_data["tips"].pop()  # a newer file no longer names this tip
    (tmp_path / "guidance_v1.json").write_text(json.dumps(content), encoding="utf-8")

    run_a_later_content_migration(tmp_path)

    assert Question.objects.get(code=untouched["code"]).text == "Vilken målgrupp gäller det, enligt den nya texten?"
    assert Question.objects.get(pk=edited.pk).text == "Vilka barn och unga vill ni nå först?"
    assert Tip.objects.filter(step=added_tip.step, text=dropped_tip).exists()  # never deleted by a load
    assert Tip.objects.filter(pk=added_tip.pk).exists()


def test_answers_can_be_read_but_not_changed_in_the_admin(admin_client, cast):
    question = Question.objects.filter(group__step__slug="problem-och-behov").first()
    answer = write_answer(cast.collaboration, question, "Barnen saknar en lugn plats.", cast.officer, cast.kommun)
    url = reverse("admin:collaboration_answer_change", args=[answer.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Barnen saknar en lugn plats." in page.text
    assert 'name="text"' not in page.text  # shown, not editable

    assert admin_client.post(url, {"text": "Ändrat i admin", "version": "7"}).status_code == 403
    assert admin_client.get(reverse("admin:collaboration_answer_add")).status_code == 403
    assert admin_client.post(reverse("admin:collaboration_answer_delete", args=[answer.pk])).status_code == 403
    answer.refresh_from_db()
    assert (answer.text, answer.version) == ("Barnen saknar en lugn plats.", 1)
    assert answer.revisions.count() == 1
