"""The shipped discussion questions per principle: loaded by a migration, an admin's edits outlive a reload."""

import pytest
from django.apps import apps

from principles.content.loader import load_discussion_questions
from principles.models import DiscussionQuestion

pytestmark = pytest.mark.django_db


def test_loading_again_adds_nothing_and_keeps_an_admins_edit():
    count = DiscussionQuestion.objects.count()
    assert count >= 12
    question = DiscussionQuestion.objects.get(principle__slug="mangfald", order=1)
    question.text = "Vilka föreningar i vår stadsdel har vi aldrig pratat med?"
    question.save()
    load_discussion_questions(apps, "discussion_v1.json")
    assert DiscussionQuestion.objects.count() == count
    question.refresh_from_db()
    assert question.text == "Vilka föreningar i vår stadsdel har vi aldrig pratat med?"
