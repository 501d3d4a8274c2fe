"""The form chooser: a few questions, recommendations with reasons, and a recorded choice."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from collaboration.models import CollaborationForm, FormChoice

pytestmark = pytest.mark.django_db

NEUTRAL = {
    "temporary": "nej",
    "established": "nej",
    "general_support": "nej",
    "market": "nej",
    "initiative": "offentlig",
    "shared_challenge": "nej",
    "input_wanted": "nej",
}


def chooser_url(collaboration) -> str:
    return reverse("form_chooser", args=[collaboration.code])


def recommend(client, collaboration, **answers):
    return client.post(chooser_url(collaboration), {**NEUTRAL, **answers, "action": "recommend"})


def recommended_names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<li class="card recommendation">\s*<h3>([^<]+)</h3>', html)]


def advised_against(html: str) -> dict[str, str]:
    return {
        unescape(name): " ".join(unescape(reason).split())
        for name, reason in re.findall(r'<li class="card against"><strong>([^<]+):</strong>(.*?)</li>', html, re.S)
    }


def name_of(slug: str) -> str:
    return CollaborationForm.objects.get(slug=slug).name


def test_the_chooser_asks_its_questions(cast, officer_client):
    response = officer_client.get(chooser_url(cast.collaboration))
    assert response.status_code == 200
    for field in NEUTRAL:
        assert f'name="{field}"' in response.text
    assert "Förslag" not in response.text


def test_a_market_recommends_procurement_and_advises_against_iop(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, market="ja", shared_challenge="ja", initiative="ideburen")
    assert response.status_code == 200
    assert name_of("upphandling") in recommended_names(response.text)
    assert name_of("iop") not in recommended_names(response.text)
    against = advised_against(response.text)
    assert "marknad" in against[name_of("iop")]
    assert "upphandlas" in against[name_of("iop")]


def test_something_new_and_temporary_recommends_project_funding(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, temporary="ja", established="nej")
    names = recommended_names(response.text)
    assert names[0] == name_of("projektmedel")
    assert "tillfälligt" in unescape(response.text)


def test_project_funding_is_advised_against_for_an_established_activity(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, temporary="ja", established="ja")
    assert name_of("projektmedel") not in recommended_names(response.text)
    assert name_of("projektmedel") in advised_against(response.text)
    assert name_of("verksamhetsstod") in recommended_names(response.text)


def test_a_shared_challenge_on_the_civil_partys_initiative_without_market_recommends_iop(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, shared_challenge="ja", initiative="ideburen", market="nej")
    names = recommended_names(response.text)
    assert names[0] == name_of("iop")
    html = unescape(response.text)
    assert "Initiativet kommer från den idéburna parten" in html
    assert name_of("iop") not in advised_against(response.text)


def test_wanting_input_recommends_consultation(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, input_wanted="ja")
    names = recommended_names(response.text)
    assert names[0] == name_of("samrad")
    assert name_of("dialog") in names


def test_general_support_is_recommended_for_the_organisations_own_work(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, general_support="ja")
    assert recommended_names(response.text)[0] == name_of("generellt-organisationsstod")


def test_answers_that_point_nowhere_suggest_starting_with_a_dialogue(cast, officer_client):
    response = recommend(officer_client, cast.collaboration)
    assert recommended_names(response.text) == [name_of("dialog")]
    assert "Svaren pekar inte ut en form" in unescape(response.text)


def test_the_first_recommendation_is_preselected(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, market="ja")
    assert re.search(r'name="chosen_form" value="upphandling"[^>]*checked', response.text)
    assert not FormChoice.objects.exists()


def test_missing_answers_get_swedish_errors(cast, officer_client):
    response = officer_client.post(chooser_url(cast.collaboration), {"market": "ja", "action": "recommend"})
    assert response.status_code == 200
    assert "Det finns problem att rätta" in response.text
    summary = response.text.split("data-error-summary>")[1].split("</div>")[0]
    # Each unanswered question is named in the summary, not one generic message.
    assert "Svara på frågan ”Vems initiativ är samverkan?”" in unescape(summary)
    assert "Svara på frågan ”Ska ni göra något nytt" in unescape(summary)
    assert "Svara på frågan ”Finns det en marknad" not in unescape(summary)
    assert response.context["form"].errors.keys() == set(NEUTRAL) - {"market"}
    assert recommended_names(response.text) == []


def test_an_unknown_answer_gets_a_swedish_error(cast, officer_client):
    response = recommend(officer_client, cast.collaboration, market="kanske")
    assert "Välj ett av svaren." in response.text
    assert recommended_names(response.text) == []


def test_choosing_without_a_form_is_an_error(cast, officer_client):
    response = officer_client.post(
        chooser_url(cast.collaboration), {**NEUTRAL, "action": "choose", "reason": "Vi vet inte"}
    )
    assert response.status_code == 200
    assert "Välj den samverkansform ni vill använda." in response.text
    assert "Vi vet inte" in response.text  # the reason is kept
    assert not FormChoice.objects.exists()
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.form is None


def test_choosing_an_unknown_form_is_an_error(cast, officer_client):
    response = officer_client.post(
        chooser_url(cast.collaboration), {**NEUTRAL, "action": "choose", "chosen_form": "finns-inte"}
    )
    assert "Välj den samverkansform ni vill använda." in response.text
    assert not FormChoice.objects.exists()


def test_a_too_long_reason_is_an_error(cast, officer_client):
    response = officer_client.post(
        chooser_url(cast.collaboration), {**NEUTRAL, "action": "choose", "chosen_form": "dialog", "reason": "x" * 2001}
    )
    assert "Motiveringen får vara högst 2000 tecken (nu 2001)." in response.text
    assert not FormChoice.objects.exists()


def test_choosing_a_form_that_was_not_recommended_records_the_choice_and_reason(cast, board_client):
    answers = {**NEUTRAL, "market": "ja", "shared_challenge": "ja", "initiative": "ideburen"}
    reason = "Vi har redan förtroende och vill pröva ett partnerskap."
    response = board_client.post(
        chooser_url(cast.collaboration), {**answers, "action": "choose", "chosen_form": "iop", "reason": reason}
    )
    assert response.status_code == 302
    assert response.url == reverse("collaboration_detail", args=[cast.collaboration.code])

    choice = FormChoice.objects.get(collaboration=cast.collaboration)
    assert choice.form.slug == "iop"
    assert choice.answers == answers
    assert choice.reason == reason
    assert set(choice.recommended.values_list("slug", flat=True)) == {"upphandling"}
    assert "iop" not in set(choice.recommended.values_list("slug", flat=True))
    assert choice.chosen_by == cast.board_member
    assert choice.chosen_by_organisation == cast.forening
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.form.slug == "iop"


def test_the_choice_is_shown_on_the_collaboration_page(cast, board_client, officer_client):
    reason = "Vi har redan förtroende och vill pröva ett partnerskap."
    board_client.post(
        chooser_url(cast.collaboration),
        {**NEUTRAL, "market": "ja", "action": "choose", "chosen_form": "iop", "reason": reason},
    )
    html = unescape(officer_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text)
    assert f"{name_of('iop')}, vald av Bo Styrelse (Föreningen Läxhjälp)" in html
    assert reason in html


def test_a_new_choice_replaces_the_form_and_keeps_the_earlier_record(cast, officer_client):
    url = chooser_url(cast.collaboration)
    officer_client.post(url, {**NEUTRAL, "input_wanted": "ja", "action": "choose", "chosen_form": "samrad"})
    officer_client.post(url, {**NEUTRAL, "temporary": "ja", "action": "choose", "chosen_form": "projektmedel"})
    assert FormChoice.objects.filter(collaboration=cast.collaboration).count() == 2
    cast.collaboration.refresh_from_db()
    assert cast.collaboration.form.slug == "projektmedel"
    html = officer_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text
    assert f"{name_of('projektmedel')}, vald av" in unescape(html)


def test_a_reason_with_a_nul_byte_gets_a_swedish_error_instead_of_a_server_error(cast, officer_client):
    """PostgreSQL cannot store NUL; the reason goes through a form field that refuses it."""
    response = officer_client.post(
        chooser_url(cast.collaboration),
        {**NEUTRAL, "action": "choose", "chosen_form": "dialog", "reason": "Vi vill\x00 prata först"},
    )
    assert response.status_code == 200
    assert "Motiveringen innehåller ett osynligt tecken som inte kan sparas." in response.text
    assert "Vi vill prata först" in response.text  # the rest of the text is kept
    assert not FormChoice.objects.filter(collaboration=cast.collaboration).exists()


def test_the_chooser_remembers_the_answers_of_the_latest_choice(cast, officer_client):
    answers = {**NEUTRAL, "market": "ja", "initiative": "ideburen"}
    officer_client.post(chooser_url(cast.collaboration), {**answers, "action": "choose", "chosen_form": "upphandling"})

    response = officer_client.get(chooser_url(cast.collaboration))

    form = response.context["form"]
    assert {name: form[name].value() for name in NEUTRAL} == answers
    assert 'name="market" value="ja" required id="id_market_0" checked' in response.text
    assert "Svaren är ifyllda som de var när ni valde" in response.text
