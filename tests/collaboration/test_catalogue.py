"""The catalogue of collaboration forms: open to everyone, content shipped with the portal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from collaboration.models import CollaborationForm

pytestmark = pytest.mark.django_db

SLUGS = ["samrad", "dialog", "projektmedel", "verksamhetsstod", "generellt-organisationsstod", "upphandling", "iop"]


def test_the_seven_forms_are_shipped_with_the_portal():
    assert CollaborationForm.objects.count() == 7
    assert sorted(CollaborationForm.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    for form in CollaborationForm.objects.all():
        assert form.name
        assert form.summary
        assert form.fits_when_items
        assert form.not_fits_when_items
        assert form.agree_on_items


def test_the_list_shows_every_form_with_its_participation_level_without_signing_in(client):
    response = client.get(reverse("form_list"))

    assert response.status_code == 200
    html = response.text
    for form in CollaborationForm.objects.all():
        assert f'<a href="{reverse("form_detail", args=[form.slug])}">{escape(form.name)}</a>' in html
    levels = html.count("Delaktighetsnivå:")
    assert levels == 7
    for form in CollaborationForm.objects.all():
        assert f"Delaktighetsnivå: {form.get_participation_level_display()}" in html


def test_the_list_groups_the_forms_by_family(client):
    html = client.get(reverse("form_list")).text
    share = html.index("Dela erfarenheter, träffas och skapa samsyn")
    do = html.index("Göra tillsammans")
    assert html.index(escape(CollaborationForm.objects.get(slug="dialog").name)) in range(share, do)
    assert html.index(escape(CollaborationForm.objects.get(slug="iop").name)) > do


@pytest.mark.parametrize("slug", SLUGS)
def test_a_form_page_says_when_it_fits_when_not_and_what_to_agree_on(client, slug):
    form = CollaborationForm.objects.get(slug=slug)
    response = client.get(reverse("form_detail", args=[slug]))

    assert response.status_code == 200
    html = response.text
    assert f"<h1>{escape(form.name)}</h1>" in html
    headings = ["<h2>Passar när</h2>", "<h2>Passar inte när</h2>", "<h2>Kom överens om</h2>"]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)
    sections = [
        html[positions[0] : positions[1]],
        html[positions[1] : positions[2]],
        html[positions[2] :],
    ]
    for section, items in zip(
        sections, [form.fits_when_items, form.not_fits_when_items, form.agree_on_items], strict=True
    ):
        for item in items:
            assert f"<li>{escape(item)}</li>" in section
    assert f"Delaktighetsnivå</dt><dd>{form.get_participation_level_display()}</dd>" in html


def test_an_edited_form_shows_one_item_per_line(client):
    form = CollaborationForm.objects.get(slug="dialog")
    form.fits_when = "Första punkten\n\n  Andra punkten  \n"
    form.save()
    html = client.get(reverse("form_detail", args=["dialog"])).text
    assert "<li>Första punkten</li>" in html
    assert "<li>Andra punkten</li>" in html
    assert "<li></li>" not in html


def test_an_unknown_form_is_not_found(client):
    response = client.get(reverse("form_detail", args=["finns-inte"]))
    assert response.status_code == 404


def test_the_list_is_linked_from_the_landing_page(client):
    assert f'href="{reverse("form_list")}"' in client.get("/").text
