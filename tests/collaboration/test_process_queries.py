"""The process pages run a fixed number of queries, however much the parties have written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from collaboration.models import Answer, AnswerRevision, Question, Step, StepProgress, StepStatus
from tests.collaboration.helpers import (
    MODEL,
    PHASE_1,
    PROBLEM,
    guide_review_url,
    history_url,
    phase_review_url,
    questions,
    step_url,
    task_list_url,
    write_answer,
)
from tests.factories import CollaborationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill(collaboration, cast, question_list, extra_authors=()) -> None:
    """Answer every question in the list, alternating between several people of both parties."""
    authors = [(cast.officer, cast.kommun), (cast.board_member, cast.forening), *extra_authors]
    for i, question in enumerate(question_list):
        user, organisation = authors[i % len(authors)]
        write_answer(collaboration, question, f"Svar {i} från {user.full_name}", user, organisation)
    steps = Step.objects.filter(groups__questions__in=question_list).distinct()
    for i, step in enumerate(steps):
        user, organisation = authors[i % len(authors)]
        StepProgress.objects.update_or_create(
            collaboration=collaboration,
            step=step,
            defaults={"status": StepStatus.DONE, "updated_by": user, "updated_by_organisation": organisation},
        )


def other_collaborations(cast, count: int) -> None:
    """More collaborations of the same parties, each with answers, progress and history."""
    model_questions = list(Question.objects.filter(group__step__phase__guide__slug=MODEL)[:5])
    for _ in range(count):
        other = CollaborationFactory(parties=[cast.kommun, cast.forening])
        answers = Answer.objects.bulk_create(
            [
                Answer(collaboration=other, question=q, text="Annan samverkan", version=1, updated_by=cast.officer)
                for q in model_questions
            ]
        )
        AnswerRevision.objects.bulk_create(
            [AnswerRevision(answer=a, number=1, version=1, text=a.text, author=cast.officer) for a in answers]
        )
        StepProgress.objects.bulk_create(
            [
                StepProgress(collaboration=other, step=s, status=StepStatus.IN_PROGRESS)
                for s in Step.objects.filter(phase__guide__slug=MODEL)
            ]
        )


@pytest.fixture
def more_authors(cast):
    """Two more writers, so that every answer may name a different person."""
    extra = []
    for organisation in (cast.kommun, cast.forening):
        membership = MembershipFactory(organisation=organisation)
        extra.append((membership.user, organisation))
    return extra


def test_the_task_list_runs_the_same_queries_for_one_or_thirty_collaborations(cast, officer_client, more_authors):
    url = task_list_url(cast.collaboration)
    write_answer(cast.collaboration, questions()[0], "Ett svar", cast.officer, cast.kommun)
    few = count_queries(officer_client, url)

    other_collaborations(cast, 29)
    fill(cast.collaboration, cast, list(Question.objects.filter(group__step__phase__guide__slug=MODEL)), more_authors)
    many = count_queries(officer_client, url)
    html = officer_client.get(url).text
    assert all(f"senast {user.full_name}" in html for user, _ in more_authors)
    assert many == few


def test_the_step_page_runs_the_same_queries_with_no_or_all_questions_answered(cast, officer_client, more_authors):
    url = step_url(cast.collaboration, PROBLEM)
    none_answered = count_queries(officer_client, url)

    fill(cast.collaboration, cast, questions(PROBLEM), more_authors)
    other_collaborations(cast, 5)
    all_answered = count_queries(officer_client, url)
    assert "Senast ändrat av" in officer_client.get(url).text
    assert all_answered == none_answered


def test_the_phase_review_runs_the_same_queries_with_no_or_all_questions_answered(cast, officer_client, more_authors):
    url = phase_review_url(cast.collaboration, PHASE_1)
    empty = count_queries(officer_client, url)

    fill(cast.collaboration, cast, list(Question.objects.filter(group__step__phase__slug=PHASE_1)), more_authors)
    full = count_queries(officer_client, url)
    html = officer_client.get(url).text
    assert all(f"Skrivet av {user.full_name}" in html for user, _ in more_authors)
    assert full == empty


def test_the_guide_review_runs_the_same_queries_with_no_or_all_questions_answered(cast, officer_client, more_authors):
    url = guide_review_url(cast.collaboration)
    empty = count_queries(officer_client, url)

    fill(cast.collaboration, cast, list(Question.objects.filter(group__step__phase__guide__slug=MODEL)), more_authors)
    full = count_queries(officer_client, url)
    assert full == empty


def test_the_history_runs_the_same_queries_with_one_or_many_versions(cast, officer_client, board_client, more_authors):
    url = history_url(cast.collaboration, PROBLEM)
    write_answer(cast.collaboration, questions()[0], "Första", cast.officer, cast.kommun)
    one = count_queries(officer_client, url)

    authors = [(cast.board_member, cast.forening), (cast.officer, cast.kommun), *more_authors]
    for round_number in range(3):
        for question in questions():
            for user, organisation in authors:
                write_answer(cast.collaboration, question, f"{round_number} {user.full_name}", user, organisation)
    assert AnswerRevision.objects.count() > 50
    many = count_queries(officer_client, url)
    html = officer_client.get(url).text
    assert all(user.full_name in html for user, _ in more_authors)
    assert many == one
