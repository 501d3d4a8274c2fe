"""Site admins manage everything, guidance content included, in the Django admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from collaboration.models import Question, Step
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_registered_model_has_a_working_list_and_add_page(admin_client, cast):
    ours = [m for m in admin.site._registry if m._meta.app_label in {"portal", "collaboration", "principles"}]
    assert len(ours) >= 13
    # Answers change only through the versioned save; the activity log, phase confirmations and principle
    # ratings only through the workflows; notifications and summaries only through portal.notifications.
    read_only = {
        "answer",
        "activity",
        "phaseconfirmation",
        "principlerating",
        # What the parties wrote and committed to in the agreement: only the agreement's services write it.
        "agreement",
        "agreementtext",
        "agreementversion",
        "approval",
        "changerequest",
        "agreementcomment",
        "notification",
        "digestrun",
        # The support on record: written by the public parties' people, each change in the activity log.
        "support",
    }
    for model in ours:
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        expected = 403 if model._meta.model_name in read_only else 200
        assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected, info


def test_an_admin_edits_a_question_and_the_step_page_shows_it(admin_client, cast, officer_client):
    question = Question.objects.get(code__startswith="malgrupp-", order=1, group__order=1)
    group_url = reverse("admin:collaboration_questiongroup_change", args=[question.group_id])
    page = admin_client.get(group_url)
    assert page.status_code == 200
    assert question.text in page.text  # questions are edited inline on their group
    question.text = "Vilka barn och unga vill ni nå först?"
    question.save()
    step = Step.objects.get(slug="malgrupp")
    response = officer_client.get(
        reverse("step", args=[cast.collaboration.code, "samverkansmodellen", step.phase.slug, step.slug])
    )
    assert "Vilka barn och unga vill ni nå först?" in response.text


def test_the_admin_is_closed_to_ordinary_members(officer_client):
    response = officer_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_edits_a_discussion_question_and_the_principle_check_shows_it(admin_client, cast, officer_client):
    from principles.models import DiscussionQuestion, Principle

    dialog = Principle.objects.get(slug="dialog")
    page = admin_client.get(reverse("admin:principles_principle_change", args=[dialog.pk]))
    question = DiscussionQuestion.objects.filter(principle=dialog).first()
    assert question is not None
    assert question.text in page.text  # discussion questions are edited inline on their principle
    question.text = "Vem sätter dagordningen när vi ses?"
    question.save()
    response = officer_client.get(reverse("principle_check", args=[cast.collaboration.code]))
    assert "Vem sätter dagordningen när vi ses?" in response.text


def test_an_admin_edits_an_agreement_section_and_its_sources(admin_client):
    from collaboration.models import AgreementSection

    section = AgreementSection.objects.get(slug="malgrupp")
    page = admin_client.get(reverse("admin:collaboration_agreementsection_change", args=[section.pk]))
    assert page.status_code == 200
    assert section.guidance in page.text
    assert "malgrupp-vilken" in page.text  # the process questions the draft takes answers from
