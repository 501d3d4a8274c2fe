"""The principle check: each party rates the six principles, with history; the parties' views side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collaboration.models import Activity, ActivityKind, Party, PartyState, PrincipleRating
from collaboration.principle_check import latest_principle_ratings
from principles.models import DiscussionQuestion, Principle
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def check_url(collaboration) -> str:
    return reverse("principle_check", args=[collaboration.code])


def rate_url(collaboration) -> str:
    return reverse("principle_rate", args=[collaboration.code])


def ratings(default: str = "fungerar", **overrides: str) -> dict[str, str]:
    """A filled-in rating form: every principle `default`, some overridden by slug (underscores for dashes)."""
    data = {f"rating-{p.slug}": default for p in Principle.objects.all()}
    for slug, value in overrides.items():
        data[f"rating-{slug.replace('_', '-')}"] = value
    return data


def test_every_principle_has_discussion_questions_shipped():
    for principle in Principle.objects.all():
        assert 2 <= DiscussionQuestion.objects.filter(principle=principle).count() <= 3, principle.slug


def test_a_party_rates_the_principles(cast, officer_client):
    page = officer_client.get(rate_url(cast.collaboration))
    assert page.status_code == 200
    assert "Bedöm principerna för Halmstads kommun" in page.text
    response = officer_client.post(
        rate_url(cast.collaboration), {**ratings(dialog="gnisslar"), "comment-dialog": "Vi hörs för sällan."}
    )
    assert response.status_code == 302
    assert response.url == check_url(cast.collaboration)
    assert PrincipleRating.objects.filter(organisation=cast.kommun, rated_by=cast.officer).count() == 6
    dialog = PrincipleRating.objects.get(principle__slug="dialog")
    assert (dialog.rating, dialog.comment) == ("gnisslar", "Vi hörs för sällan.")
    entry = Activity.objects.get(kind=ActivityKind.PRINCIPLES_RATED)
    assert (entry.actor, entry.organisation) == (cast.officer, cast.kommun)
    assert entry.data["principles"]["dialog"] == "gnisslar"


def test_every_principle_must_be_rated(cast, officer_client):
    data = ratings()
    del data["rating-dialog"]
    response = officer_client.post(rate_url(cast.collaboration), data)
    assert response.status_code == 400
    assert "Välj hur principen ”Dialog” fungerar." in response.text
    assert 'href="#id_rating-dialog_0"' in response.text  # the error summary links to the first radio button
    assert not PrincipleRating.objects.exists()


def test_a_new_rating_is_kept_beside_the_old_one(cast, officer_client):
    officer_client.post(rate_url(cast.collaboration), ratings())
    officer_client.post(rate_url(cast.collaboration), ratings(dialog="samtal"))
    assert PrincipleRating.objects.count() == 7  # six, then one changed: the first dialog rating is still there
    assert list(PrincipleRating.objects.filter(principle__slug="dialog").values_list("rating", flat=True)) == [
        "samtal",
        "fungerar",
    ]
    html = officer_client.get(check_url(cast.collaboration)).text
    history = html[html.index("Alla bedömningar") :]
    assert "Halmstads kommun om Dialog – Behöver samtal" in history
    assert "Halmstads kommun om Dialog – Fungerar bra" in history


def test_the_rating_page_starts_from_the_partys_latest_rating(cast, officer_client):
    officer_client.post(rate_url(cast.collaboration), {**ratings(kvalitet="gnisslar"), "comment-kvalitet": "Oklart"})
    response = officer_client.get(rate_url(cast.collaboration))
    assert response.context["form"]["rating-kvalitet"].value() == "gnisslar"
    assert response.context["form"]["comment-kvalitet"].value() == "Oklart"


def test_rating_unchanged_saves_nothing_new(cast, officer_client):
    officer_client.post(rate_url(cast.collaboration), ratings())
    response = officer_client.post(rate_url(cast.collaboration), ratings())
    assert PrincipleRating.objects.count() == 6
    assert "inget nytt sparades" in officer_client.get(response.url).text


def test_the_parties_ratings_side_by_side_show_where_they_differ(cast, officer_client, board_client):
    officer_client.post(rate_url(cast.collaboration), ratings())
    board_client.post(
        rate_url(cast.collaboration), {**ratings(langsiktighet="gnisslar"), "comment-langsiktighet": "Bara ett år"}
    )
    html = board_client.get(check_url(cast.collaboration)).text
    # The difference is said in words, not by colour alone, and the principle is named in the summary.
    summary = html[html.index("Här ser ni olika på saken") : html.index('id="princip-')]
    assert 'href="#princip-langsiktighet"' in summary
    assert 'href="#princip-dialog"' not in summary
    section = html[html.index('id="princip-langsiktighet"') :]
    section = section[: section.index("</section>")]
    assert "Ni ser olika på den" in section
    assert "Halmstads kommun" in section
    assert "Fungerar bra" in section
    assert "Föreningen Läxhjälp" in section
    assert "Gnisslar" in section
    assert "Bara ett år" in section
    # Each principle links to its guidance and carries its discussion questions.
    assert f'href="{reverse("principle_list")}#princip-langsiktighet"' in section
    question = DiscussionQuestion.objects.filter(principle__slug="langsiktighet").first()
    assert question is not None
    assert question.text in section


def test_latest_ratings_per_party_and_principle(cast, officer_client, board_client):
    officer_client.post(rate_url(cast.collaboration), ratings())
    officer_client.post(rate_url(cast.collaboration), ratings(mangfald="samtal"))
    board_client.post(rate_url(cast.collaboration), ratings(mangfald="gnisslar"))
    latest = latest_principle_ratings(cast.collaboration)
    mangfald = Principle.objects.get(slug="mangfald")
    assert len(latest) == 12
    assert latest[(cast.kommun.pk, mangfald.pk)].rating == "samtal"
    assert latest[(cast.forening.pk, mangfald.pk)].rating == "gnisslar"
    # A party that leaves no longer counts among the shared ratings.
    Party.objects.filter(organisation=cast.forening).update(state=PartyState.LEFT)
    assert {org for org, _ in latest_principle_ratings(cast.collaboration)} == {cast.kommun.pk}


def test_a_person_in_two_parties_chooses_which_one_they_rate_for(cast, officer_client):
    MembershipFactory(organisation=cast.forening, user=cast.officer)
    page = officer_client.get(rate_url(cast.collaboration))
    assert "Välj vilken part du bedömer principerna för." in page.text
    form_page = officer_client.get(rate_url(cast.collaboration), {"part": str(cast.forening.code)})
    assert "Bedöm principerna för Föreningen Läxhjälp" in form_page.text
    officer_client.post(rate_url(cast.collaboration), {**ratings(), "part": str(cast.forening.code)})
    assert set(PrincipleRating.objects.values_list("organisation", flat=True)) == {cast.forening.pk}


def test_nobody_rates_for_a_party_they_are_not_in(cast, officer_client):
    response = officer_client.post(rate_url(cast.collaboration), {**ratings(), "part": str(cast.forening.code)})
    assert response.status_code == 400
    assert not PrincipleRating.objects.exists()


def test_the_collaboration_page_links_to_the_principle_check(cast, officer_client):
    html = officer_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])).text
    assert check_url(cast.collaboration) in html
