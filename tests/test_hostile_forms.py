"""Hostile text in every field of every form: markup, template syntax, SQL, NUL, 1 MB, bidi, combining.

The forms are found, not listed: every POST row of the permission matrix
(tests/test_permissions.py, itself checked against the URL resolver) names a URL and a
person allowed to post to it; the page that holds its form (the URL itself, or where
signing in leads back to) is read like a browser reads it, and every text box and
hidden field of that form is fed. A few forms only show in a certain state (a completed
phase, the chooser's result, the public pages): `STATES` below puts the world in it.
`test_every_form_with_text_fields_is_fed` fails when a form class of the portal with
text fields was never posted to by these tests.

For each form: no 5xx, nothing comes back as markup or is evaluated as a template, a
refusal is said in Swedish at the field and changes nothing, and what is stored is
stored exactly (or, for a name, cleaned as names are) and shown as text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from django import forms as django_forms
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from collaboration.models import Invitation, Role, Step
from tests import test_permissions as matrix
from tests.collaboration.helpers import MODEL, PHASE_1, mark_steps, phase_review_url
from tests.conftest import client_for
from tests.hostile import (
    HOSTILE,
    MARKER,
    NUL,
    ONE_MEGABYTE,
    SHORT,
    Form,
    assert_safe_page,
    forms_of,
    row_counts,
    stored_containing,
    stored_forms,
    stored_texts,
)

pytestmark = pytest.mark.django_db

built_world = matrix.built_world  # the matrix world, built once per module and rolled back
world = matrix.world

Url = Callable[[Any], str]


@dataclasses.dataclass(frozen=True)
class FormCase:
    id: str
    role: str
    url: Url  # where the form posts
    page: Url | None = None  # where the form is shown, when not at `url`
    data: Callable[[Any], dict[str, Any]] | None = None  # valid values the page does not carry
    page_data: Callable[[Any], dict[str, Any]] | None = None  # the page is what a POST of this returns


def allowed_role(row: matrix.Row) -> str | None:
    """The first signed-in person the matrix lets post to the row's URL."""
    for role, status in zip(matrix.ROLES, row.statuses, strict=True):
        if role != matrix.ANONYMOUS and status == 302:
            return role
    return None


def cases_from_the_matrix() -> list[FormCase]:
    cases = []
    for index, row in enumerate(matrix.ROWS):
        role = allowed_role(row) if row.method == "POST" else None
        if role is not None:
            cases.append(FormCase(f"{row.name}-{index}", role, row.url, row.signs_in_to, row.data))
    return cases


# --- Forms that only show in a certain state -------------------------------------------------------


def completed_phase(w: Any) -> str:
    """Phase 1 confirmed by both parties: its review page offers to reopen it, with a reason."""
    mark_steps(w.collaboration, list(Step.objects.filter(phase__guide__slug=MODEL, phase__slug=PHASE_1)))
    url = phase_review_url(w.collaboration)
    for user in (w.officer, w.board_member):
        assert client_for(user).post(url, {"action": "confirm"}).status_code == 302
    return url


def chooser_answers(w: Any) -> dict[str, Any]:
    return {k: v for k, v in matrix.choose_form(w).items() if k not in ("action", "chosen_form", "reason")}


def invitation_link(w: Any) -> str:
    _, token = Invitation.issue(
        organisation=w.kommun, email="ny@exempel.se", role=Role.OFFICER, invited_by=w.coordinator
    )
    return reverse("invitation_accept", args=[token])


def reset_link(w: Any) -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(w.officer.pk))
    # The first GET swaps the token for a session-held one and redirects to the "set-password" address.
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(w.officer)])


STATES = [
    FormCase("phase_review-reopen", "officer", completed_phase, data=lambda w: {"action": "reopen"}),
    FormCase(
        "form_chooser-reason",
        "officer",
        matrix.form_chooser,
        data=lambda w: {"action": "choose", "chosen_form": "dialog"},
        page_data=chooser_answers,
    ),
    # The approval form is on the version page for those who may approve (the kommun's coordinator).
    FormCase(
        "agreement_approve-coordinator",
        "coordinator",
        matrix.agreement_url("agreement_approve", 1),
        matrix.agreement_url("agreement_version", 1),
    ),
    # A real address and a wrong password: the hidden fields then reach django-axes, which stores them.
    FormCase(
        "login",
        matrix.ANONYMOUS,
        lambda w: reverse("login"),
        data=lambda w: {"username": w.officer.email, "password": "fel-losenord"},
    ),
    FormCase("password_reset", matrix.ANONYMOUS, lambda w: reverse("password_reset")),
    FormCase("password_reset_confirm", matrix.ANONYMOUS, reset_link),
    FormCase("invitation_accept", matrix.ANONYMOUS, invitation_link),
]

# Forms whose text boxes take only an address and a password: hostile text is always refused there.
TAKES_NO_FREE_TEXT = {"login", "password_reset"}

CASES = [pytest.param(case, id=case.id) for case in cases_from_the_matrix() + STATES]


# --- Posting -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    client: Client
    url: str
    form: Form | None  # None: the URL takes a POST but no page shows a form for it (an action button elsewhere)
    baseline: dict[str, str]


def target(world: Any, case: FormCase) -> Target:
    """The form as the person sees it, with the valid values the matrix posts."""
    client = matrix.client_as(world, case.role)
    url = case.url(world)
    page_url = case.page(world) if case.page else url
    if case.page_data:
        page = client.post(page_url, case.page_data(world))
    else:
        page = client.get(page_url, follow=True)
        if page.redirect_chain:
            page_url = url = page.redirect_chain[-1][0]
    found = None
    if page.status_code == 200 and "html" in page["Content-Type"]:
        candidates = [f for f in forms_of(page, page_url) if f.method == "post" and f.action.endswith(url)]
        found = max(candidates, key=lambda f: len(f.text), default=None)
    baseline = {**(found.values if found else {}), **(case.data(world) if case.data else {})}
    return Target(client, url, found, {k: str(v) if not isinstance(v, list) else v for k, v in baseline.items()})


def state() -> tuple[Any, ...]:
    """Everything a refused post must leave as it was: the rows of every table and the stored text."""
    return (row_counts(), stored_texts())


def assert_refused_at_the_field(response: Any, kept: str | None = None) -> None:
    """A refusal is the page again with a message at the field, and the text as typed still in its box."""
    assert response.status_code in (200, 400, 409), response.status_code
    body = response.content.decode()
    # At the field, or for a sign-in that does not match, above the form (it never says which part was wrong).
    assert 'class="error-message"' in body or "stämmer inte" in body, "refused without a message at the field"
    if kept is not None:
        assert escape(kept) in body, "the refused text is no longer in its box"


def refused_fields(response: Any, fields: list[str]) -> list[str]:
    body = response.content.decode()
    named = [name for name in fields if f"{name}_error" in body]
    # A form of one text box may say it its own way (the comment forms, the chooser's reason).
    return named or (fields if len(fields) == 1 else [])


def text_and_hidden(form: Form) -> tuple[list[str], list[str]]:
    hidden = [n for n in form.hidden if n not in ("csrfmiddlewaretoken",)]
    return form.text, hidden


@pytest.mark.parametrize("case", CASES)
def test_hostile_text_in_every_field(world, case: FormCase, django_capture_on_commit_callbacks) -> None:
    t = target(world, case)
    form = t.form
    text, hidden = text_and_hidden(form) if form else ([], [])

    if text:
        assert form is not None
        # NUL in every text box: PostgreSQL cannot store it. Refused at the field, nothing changes.
        before = state()
        response = t.client.post(t.url, t.baseline | dict.fromkeys(text, NUL))
        assert_safe_page(response)
        assert_refused_at_the_field(response)
        assert state() == before, "a refused post changed something"

        # 1 MB in the first box: refused, said at the field, nothing changes.
        shown = [name for name in text if name not in form.passwords]
        response = t.client.post(t.url, t.baseline | {(shown or text)[0]: ONE_MEGABYTE})
        assert_safe_page(response)
        assert_refused_at_the_field(response, ONE_MEGABYTE if shown else None)
        assert state() == before, "a refused post changed something"

        # Every payload in every box: stored exactly, or refused (said at the field), never markup.
        # A field that refuses it (too long for a short code, not an address) is tried with a shorter
        # payload, and then given its valid value again.
        fields = dict.fromkeys(text, HOSTILE)
        while True:
            with django_capture_on_commit_callbacks(execute=True):  # notification mail is sent after the commit
                response = t.client.post(t.url, t.baseline | fields)
            assert_safe_page(response)
            if response.status_code == 302:
                break
            assert_refused_at_the_field(response)
            assert state() == before, "a refused post changed something"
            refused = refused_fields(response, list(fields))
            if not refused:
                break  # refused for something the page needs besides (signing in needs a real password)
            for name in refused:
                if fields[name] == HOSTILE:
                    fields[name] = SHORT
                else:
                    del fields[name]
        assert response.status_code == 302 or case.id in TAKES_NO_FREE_TEXT, "the form never took the text"
        if response.status_code == 302:
            stored = stored_containing(MARKER)
            for where, value in stored:
                assert any(kept in value for kept in stored_forms(HOSTILE) | stored_forms(SHORT)), (
                    f"{where} holds {value!r}"
                )
            # Mail about it (notifications, sent at once in the tests) is text too, and one line in the subject.
            for message in mail.outbox:
                assert "\n" not in message.subject
                for body, _kind in getattr(message, "alternatives", []):
                    assert "<script>alert(1)" not in body, "raw markup in an HTML mail"
                    assert "<img src=x" not in body, "raw markup in an HTML mail"
            # Wherever it is shown, it is text (every page is walked in test_hostile_pages.py).
            for page in (response.url, case.page(world) if case.page else t.url):
                assert_safe_page(t.client.get(page))

    # Hidden fields and everything else the form sends, each with NUL and then with markup.
    for payload in ("\x00", HOSTILE):
        data = dict(t.baseline)
        for name in hidden:
            data[name] = f"{data.get(name, '')}{payload}"
        response = t.client.post(t.url, data)
        assert_safe_page(response)
        assert not stored_containing("\x00"), "a NUL character was stored"


def portal_forms_with_text() -> set[type[django_forms.BaseForm]]:
    """Every form class of the portal's apps that takes text (a CharField of any kind, hidden ones too)."""
    found: set[type[django_forms.BaseForm]] = set()
    stack: list[type[django_forms.BaseForm]] = [django_forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] in {"portal", "collaboration", "principles"} and any(
                isinstance(field, django_forms.CharField) for field in sub.base_fields.values()
            ):
                found.add(sub)
    return found


def test_every_form_with_text_fields_is_fed(world, monkeypatch) -> None:
    """A form class with text fields that none of the cases above posts to fails here: add a state to STATES."""
    bound: set[type[django_forms.BaseForm]] = set()
    original = django_forms.BaseForm.__init__

    def recording(self: django_forms.BaseForm, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            bound.add(type(self))
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(django_forms.BaseForm, "__init__", recording)
    for param in CASES:
        (case,) = param.values
        with transaction.atomic():
            t = target(world, case)
            if t.form is not None and t.form.text:
                t.client.post(t.url, t.baseline | dict.fromkeys(t.form.text, NUL))
            transaction.set_rollback(True)
    # GET forms (the overview's search) are bound on every visit; test_hostile_pages.py feeds them.
    for row in matrix.ROWS:
        if row.method == "GET" and row.name.startswith("overview") and 200 in row.statuses:
            with transaction.atomic():
                matrix.client_as(world, matrix.ROLES[row.statuses.index(200)]).get(row.url(world))
                transaction.set_rollback(True)
    missing = {f"{cls.__module__}.{cls.__qualname__}" for cls in portal_forms_with_text() - bound}
    assert not missing, f"forms with text fields that no hostile post reaches: {sorted(missing)}"
