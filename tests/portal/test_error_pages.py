"""Error pages speak Swedish and explain what to do."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory


def test_an_unknown_page_says_so_in_swedish(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text
    assert '<html lang="sv">' in response.text


def test_a_collaboration_of_others_looks_like_a_missing_page(cast, outsider_client):
    response = outsider_client.get(reverse("collaboration_detail", args=[cast.collaboration.code]))
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text
    assert cast.collaboration.title not in response.text


def test_a_missing_right_is_explained(cast, officer_client):
    response = officer_client.get(reverse("organisation_create"))
    assert response.status_code == 403
    assert "Du saknar behörighet" in response.text


def test_a_failed_csrf_check_tells_how_to_keep_the_text(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer)
    response = client.post(reverse("collaboration_create"), {"title": "Utan token"})
    assert response.status_code == 403
    assert "det du skrev finns kvar" in response.text


@pytest.mark.django_db
def test_the_server_error_page_needs_no_database_or_context():
    from django.template.loader import render_to_string

    OrganisationFactory()  # any state: the page must not depend on it
    html = render_to_string("500.html")
    assert "Något gick fel" in html
    assert '<html lang="sv">' in html
