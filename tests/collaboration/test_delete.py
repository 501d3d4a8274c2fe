"""A collaboration started by mistake, with nothing written in it, can be deleted by the person who started it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.models import Answer, Collaboration, FormChoice, StepProgress, StepStatus
from tests.collaboration.helpers import questions, step_obj, write_answer
from tests.conftest import client_for
from tests.factories import CollaborationFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mistake(cast) -> Collaboration:
    collaboration = CollaborationFactory(title="Startad av misstag", parties=[cast.kommun], created_by=cast.officer)
    # The förening is invited and has not answered yet: it has not joined.
    PartyFactory(collaboration=collaboration, organisation=cast.forening)
    return collaboration


def delete_url(collaboration: Collaboration) -> str:
    return reverse("collaboration_delete", args=[collaboration.code])


def test_the_creator_confirms_and_the_collaboration_is_gone(cast, mistake, officer_client):
    detail = officer_client.get(reverse("collaboration_detail", args=[mistake.code]))
    assert f'href="{delete_url(mistake)}"' in detail.text
    page = officer_client.get(delete_url(mistake))
    assert page.status_code == 200
    assert "Ja, ta bort samverkan" in page.text
    assert Collaboration.objects.filter(pk=mistake.pk).exists()  # the page only asks

    response = officer_client.post(delete_url(mistake), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Samverkan ”Startad av misstag” är borttagen." in response.text
    assert not Collaboration.objects.filter(pk=mistake.pk).exists()


@pytest.mark.parametrize("role", ["board_member", "coordinator", "outsider"])
def test_nobody_but_the_creator_can_delete_it(cast, mistake, role):
    client = client_for(getattr(cast, role))
    assert client.get(delete_url(mistake)).status_code == 404
    assert client.post(delete_url(mistake)).status_code == 404
    assert "Ta bort samverkan" not in client.get(reverse("collaboration_detail", args=[mistake.code])).text
    assert Collaboration.objects.filter(pk=mistake.pk).exists()


def test_a_collaboration_with_an_answer_cannot_be_deleted(cast, mistake, officer_client):
    write_answer(mistake, questions()[0], "Vi har redan börjat.", cast.board_member, cast.forening)
    assert officer_client.get(delete_url(mistake)).status_code == 404
    assert officer_client.post(delete_url(mistake)).status_code == 404
    assert Answer.objects.filter(collaboration=mistake).exists()


def test_an_emptied_answer_does_not_count_as_written(cast, mistake, officer_client):
    question = questions()[0]
    write_answer(mistake, question, "Fel ruta", cast.officer, cast.kommun)
    write_answer(mistake, question, "", cast.officer, cast.kommun)
    assert officer_client.post(delete_url(mistake)).status_code == 302
    assert not Collaboration.objects.filter(pk=mistake.pk).exists()


def test_a_chosen_form_or_a_marked_step_keeps_it(cast, mistake, officer_client):
    StepProgress.objects.create(collaboration=mistake, step=step_obj(), status=StepStatus.DONE)
    assert officer_client.post(delete_url(mistake)).status_code == 404
    StepProgress.objects.all().delete()
    from collaboration.models import CollaborationForm

    FormChoice.objects.create(collaboration=mistake, form=CollaborationForm.objects.first(), chosen_by=cast.officer)
    assert officer_client.post(delete_url(mistake)).status_code == 404
    assert Collaboration.objects.filter(pk=mistake.pk).exists()


def test_deleting_refuses_get_without_confirmation_changes(cast, mistake, officer_client):
    officer_client.get(delete_url(mistake))
    assert Collaboration.objects.filter(pk=mistake.pk).exists()
    assert officer_client.put(delete_url(mistake)).status_code == 405


def test_sending_the_create_form_again_after_deleting_creates_it_anew(cast, officer_client):
    import re

    url = reverse("collaboration_create")
    token = re.search(r'name="once_token" value="([^"]+)"', officer_client.get(url).text).group(1)
    data = {"title": "Igen", "public_party": cast.kommun.pk, "civil_parties": [cast.forening.pk], "once_token": token}
    officer_client.post(url, data)
    officer_client.post(delete_url(Collaboration.objects.get(title="Igen")))
    response = officer_client.post(url, data)
    created = Collaboration.objects.get(title="Igen")  # not a redirect to a deleted page
    assert response.url == reverse("collaboration_detail", args=[created.code])


def test_once_another_party_has_accepted_nobody_can_delete(cast, mistake, officer_client):
    from collaboration.models import Party, PartyState

    Party.objects.filter(collaboration=mistake, organisation=cast.forening).update(state=PartyState.ACCEPTED)
    assert officer_client.get(delete_url(mistake)).status_code == 404
    assert officer_client.post(delete_url(mistake)).status_code == 404
    assert Collaboration.objects.filter(pk=mistake.pk).exists()
