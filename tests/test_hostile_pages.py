"""Hostile text stored everywhere people write, then every page read by everyone who may read it.

test_hostile_forms.py posts the payloads through the forms; here they are put straight into
every text people write (so also where a form would have cleaned them, as a name) and
every GET row of the permission matrix is opened by every role it lets in. No page may
give the text back as markup or run it as a template, and the documents print it as text.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.html import escape

from collaboration.models import (
    Activity,
    AgreementComment,
    AgreementText,
    AgreementVersion,
    Answer,
    AnswerRevision,
    ChangeRequest,
    Collaboration,
    Organisation,
    Party,
    PrincipleRating,
)
from portal.models import User
from tests import test_permissions as matrix
from tests.collaboration.helpers import questions
from tests.conftest import client_for
from tests.hostile import (
    ATTRIBUTE_BREAK,
    HOSTILE,
    MARKUP,
    NUL,
    ONE_MEGABYTE,
    SQL,
    TEMPLATE_SYNTAX,
    assert_safe_page,
    forms_of,
)
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db

built_world = matrix.built_world  # the matrix world, built once per module and rolled back
world = matrix.world

DOCUMENTS = ("_pdf", "_download", "_export")


def store_hostile_text_everywhere() -> None:
    """What people write: titles, names, answers and their history, the agreement and its versions, comments."""
    Collaboration.objects.update(title=HOSTILE, description=HOSTILE, closing_note=HOSTILE)
    Organisation.objects.update(name=HOSTILE, municipality=HOSTILE[:100])
    User.objects.update(full_name=HOSTILE)
    Party.objects.update(reference=HOSTILE[:100], message=HOSTILE)
    Answer.objects.update(text=HOSTILE)
    AnswerRevision.objects.update(text=HOSTILE)
    AgreementText.objects.update(text=HOSTILE)
    AgreementComment.objects.update(text=HOSTILE)
    ChangeRequest.objects.update(message=HOSTILE)
    PrincipleRating.objects.update(comment=HOSTILE)
    Activity.objects.update(summary=HOSTILE)
    for version in AgreementVersion.objects.all():
        content = json.loads(version.content)
        for section in content.get("sections", []):
            if "text" in section:
                section["text"] = HOSTILE
        # Straight to the table: a version is immutable through the ORM (and its hash now differs).
        AgreementVersion.objects.filter(pk=version.pk).update(content=json.dumps(content, sort_keys=True))


def test_every_page_shows_hostile_text_as_text(world) -> None:
    store_hostile_text_everywhere()
    first_rows: dict[str, matrix.Row] = {}
    for row in matrix.ROWS:
        if row.method == "GET" and 200 in row.statuses and not row.name.endswith(DOCUMENTS):
            first_rows.setdefault(row.name, row)
    shown = 0
    for row in first_rows.values():
        url = row.url(world)
        for role, status in zip(matrix.ROLES, row.statuses, strict=True):
            if status != 200:
                continue
            response = matrix.client_as(world, role).get(url)
            assert response.status_code == 200, f"{role} {url}"
            assert_safe_page(response)
            shown += escape(MARKUP) in response.text
            # A GET form that takes text (the overview's search): every payload, NUL and 1 MB.
            for form in forms_of(response, url):
                if form.method == "get" and form.text:
                    for payload in (HOSTILE, NUL, ONE_MEGABYTE):
                        answer = matrix.client_as(world, role).get(form.action, dict.fromkeys(form.text, payload))
                        assert answer.status_code in (200, 400), f"{role} {form.action}: {answer.status_code}"
                        assert_safe_page(answer)
    assert shown > 50, "the hostile text should show (escaped) on most pages"


def test_the_documents_print_hostile_text_as_text(world) -> None:
    """The checklist prints answers, the agreement its sections: the markup is printed, never run or dropped."""
    store_hostile_text_everywhere()
    client = client_for(world.officer)
    answer = Answer.objects.get(question=questions()[0], party_organisation=None)
    assert answer.text == HOSTILE
    checklist = client.get(reverse("checklist_pdf", args=[world.collaboration.code, "samverkansmodellen"]))
    draft = client.get(reverse("agreement_draft_pdf", args=[world.collaboration.code]))
    for response in (checklist, draft):
        assert response.status_code == 200
        text = text_of(response.content)
        for part in (MARKUP, ATTRIBUTE_BREAK, TEMPLATE_SYNTAX, SQL):
            assert part in text, f"{part!r} not printed in {response['Content-Disposition']}"
        assert "WSGIRequest" not in text


def query_names() -> set[str]:
    """Every query parameter a page reads: the filter forms' fields and the ones views read themselves."""
    from collaboration.forms.collaborations import ActivityFilterForm
    from collaboration.overview import OverviewFilter

    read_by_views = {"arkiverade", "format", "fran", "till", "sida", "tabell", "tillbaka", "samverkan", "next"}
    return read_by_views | set(OverviewFilter.base_fields) | set(ActivityFilterForm.base_fields)


@pytest.mark.parametrize("payload", [NUL, HOSTILE], ids=["nul", "markup"])
def test_hostile_query_parameters_and_tokens_give_no_server_error(world, payload: str) -> None:
    """PostgreSQL refuses NUL in any query: a parameter or a token in the address must not reach it raw."""
    params = dict.fromkeys(query_names(), payload)
    first_rows: dict[str, matrix.Row] = {}
    for row in matrix.ROWS:
        if row.method == "GET" and 200 in row.statuses:
            first_rows.setdefault(row.name, row)
    for row in first_rows.values():
        role = matrix.ROLES[row.statuses.index(200)]
        response = matrix.client_as(world, role).get(row.url(world), params)
        assert_safe_page(response)
    for name, url in matrix.PUBLIC_PAGES.items():
        if name != "healthz":
            assert_safe_page(matrix.client_as(world, matrix.ANONYMOUS).get(url(world), params))
    token = quote(f"token{payload}", safe="")
    for name, args in [
        ("invitation_accept", ["TOKEN"]),
        ("email_choice_link", ["TOKEN"]),
        ("password_reset_confirm", ["MQ", "TOKEN"]),
    ]:
        address = reverse(name, args=args).replace("TOKEN", token)
        response = matrix.client_as(world, matrix.ANONYMOUS).get(address)
        assert_safe_page(response)
        assert response.status_code in (200, 404), f"{name}: {response.status_code}"
