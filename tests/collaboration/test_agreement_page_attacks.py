"""The agreement's pages, attacked: the shared agreement as an unkind colleague uses it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from collaboration.models import (
    AgreementComment,
    AgreementText,
    AgreementVersion,
    Approval,
    ChangeRequest,
)
from tests.collaboration.helpers import browser_post
from tests.collaboration.test_agreement_pages import edit, send, start, url
from tests.conftest import Cast, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def under_review(officer_client: Client, cast: Cast, text: str = "Barn i årskurs 4–6.") -> AgreementVersion:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": text})
    return send(officer_client, cast)


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the fields a browser sends (hidden, text, checked radios, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif self.forms and tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif self.forms and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1][1][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


def form_of(page: Any, action: str, where: dict[str, str] | None = None, **fields: str) -> dict[str, str]:
    """The first form of `page` that posts to `action` (and has the values `where`), filled in with `fields`."""
    parser = _Forms()
    parser.feed(page.content.decode())
    wanted = (where or {}).items()
    found = next(
        (
            dict(f)
            for a, f in parser.forms
            if a == action and wanted <= f.items() and ("reply_to" in f) == ("reply_to" in dict(wanted))
        ),
        None,
    )
    assert found is not None, f"no form posts to {action}"
    found.update(fields)
    return found


@pytest.mark.parametrize("bogus", ["²", "٣", "9" * 5000, "99999999999999999999999", "-1", "1.0", " 1", "0"])
def test_the_diff_page_answers_bogus_version_choices_with_404(cast: Cast, officer_client: Client, bogus: str) -> None:
    """Superscript and Arabic-Indic digits pass str.isdigit(), int() refuses them: it was a 500."""
    under_review(officer_client, cast)
    for params in ({"fran": bogus}, {"till": bogus}, {"fran": bogus, "till": bogus}):
        assert officer_client.get(url("agreement_diff", cast), params).status_code == 404
    assert officer_client.get(url("agreement_diff", cast), {"fran": "1", "till": "utkast"}).status_code == 200


def sign_in_again(client: Client, cast: Cast, user: Any) -> Any:
    """The session ran out; the person signs in and is sent where the sign-in page says."""
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_comment_posted_after_the_session_ran_out_comes_back_on_the_version_page(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """The comment forms had no owner token and posted to a POST-only URL: the text was lost, sign-in led to a 405."""
    under_review(officer_client, cast)
    version_url = url("agreement_version", cast, 1)
    page = board_client.get(version_url)
    data = form_of(page, url("agreement_comment", cast, 1), {"section": "malgrupp"}, text="Vem betalar bussresorna?")
    Session.objects.all().delete()
    response = board_client.post(url("agreement_comment", cast, 1), data)
    assert response.status_code == 302
    assert version_url in response["Location"], "signing in must lead back to the version page"
    assert not AgreementComment.objects.exists()
    sign_in_again(board_client, cast, cast.board_member)
    page = board_client.get(version_url)
    assert page.status_code == 200
    assert "Det du skrev innan du loggades ut är tillbaka" in page.text
    assert "Vem betalar bussresorna?" in page.text
    # Publishing it from the page that showed it: one comment, and the draft is gone.
    restored = form_of(page, url("agreement_comment", cast, 1), {"section": "malgrupp"})
    assert restored["text"] == "Vem betalar bussresorna?", "the text is back in the box it was typed in"
    response = board_client.post(url("agreement_comment", cast, 1), restored)
    assert response.status_code == 302
    assert AgreementComment.objects.get().text == "Vem betalar bussresorna?"
    assert "loggades ut är tillbaka" not in board_client.get(version_url).text


def test_a_change_request_and_a_decision_reference_survive_a_session_that_ran_out(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    under_review(officer_client, cast)
    version_url = url("agreement_version", cast, 1)
    page = board_client.get(version_url)
    change = form_of(page, url("agreement_request_changes", cast, 1), message="Målgruppen ska vara årskurs 3–6.")
    Session.objects.all().delete()
    response = board_client.post(url("agreement_request_changes", cast, 1), change)
    assert version_url in response["Location"]
    assert not ChangeRequest.objects.exists()
    sign_in_again(board_client, cast, cast.board_member)
    page = board_client.get(version_url)
    assert "Målgruppen ska vara årskurs 3–6." in page.text
    assert "<details open><summary>Begär ändringar" in page.text

    # The board member sends the change request after all, then approves; the session runs out again.
    board_client.post(
        url("agreement_request_changes", cast, 1), form_of(page, url("agreement_request_changes", cast, 1))
    )
    assert ChangeRequest.objects.get().message == "Målgruppen ska vara årskurs 3–6."
    page = board_client.get(version_url)
    approve = form_of(page, url("agreement_approve", cast, 1), decision_reference="Styrelsemöte 2026-11-20, § 7")
    Session.objects.all().delete()
    response = board_client.post(url("agreement_approve", cast, 1), approve)
    assert version_url in response["Location"]
    assert not Approval.objects.exists()
    sign_in_again(board_client, cast, cast.board_member)
    page = board_client.get(version_url)
    assert "Styrelsemöte 2026-11-20, § 7" in page.text
    board_client.post(url("agreement_approve", cast, 1), form_of(page, url("agreement_approve", cast, 1)))
    assert Approval.objects.get().decision_reference == "Styrelsemöte 2026-11-20, § 7"


def test_a_double_click_on_publicera_kommentaren_publishes_one_comment(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1))
    data = form_of(page, url("agreement_comment", cast, 1), {"section": "malgrupp"}, text="Hur mäter vi det?")
    first = board_client.post(url("agreement_comment", cast, 1), data)
    second = board_client.post(url("agreement_comment", cast, 1), data)
    assert AgreementComment.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    followed = board_client.get(second["Location"])
    assert "Din kommentar är redan publicerad" in followed.text
    # The same words again from a freshly loaded page, a moment later, are a repeat too (Back and send again) ...
    again = form_of(
        board_client.get(url("agreement_version", cast, 1)), url("agreement_comment", cast, 1), {"section": "malgrupp"}
    )
    board_client.post(url("agreement_comment", cast, 1), again | {"text": "Hur mäter vi det?"})
    assert AgreementComment.objects.count() == 1
    # ... while another comment is another comment.
    board_client.post(url("agreement_comment", cast, 1), again | {"text": "Och vem mäter?"})
    assert AgreementComment.objects.count() == 2


def test_a_double_click_on_begar_andringar_sends_one_change_request(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    from django.core import mail

    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1))
    data = form_of(page, url("agreement_request_changes", cast, 1), message="Lägg till lovveckorna.")
    board_client.post(url("agreement_request_changes", cast, 1), data)
    sent = len(mail.outbox)
    board_client.post(url("agreement_request_changes", cast, 1), data)
    assert ChangeRequest.objects.count() == 1
    assert len(mail.outbox) == sent


def test_changes_cannot_be_requested_of_a_version_that_is_no_longer_under_review(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """The back button to version 1 after version 2 was sent, or to an adopted version: the request was stored and mailed."""
    under_review(officer_client, cast)
    old_page = board_client.get(url("agreement_version", cast, 1))
    data = form_of(old_page, url("agreement_request_changes", cast, 1), message="Stryk lovveckorna.")
    edit(officer_client, cast, {"malgrupp": "Barn i årskurs 3–6."})
    send(officer_client, cast)
    response = board_client.post(url("agreement_request_changes", cast, 1), data)
    assert response.status_code == 409
    assert "Version 1 är inte längre för granskning" in response.text
    assert "Stryk lovveckorna." in response.text  # what was typed is shown, to copy
    assert not ChangeRequest.objects.exists()

    # Version 2 adopted: asking for changes in it is refused too, and the text stays as adopted.
    board_client.post(url("agreement_approve", cast, 2), {})
    client_for(cast.coordinator).post(url("agreement_approve", cast, 2), {})
    response = board_client.post(url("agreement_request_changes", cast, 2), {"message": "Nu vill vi ändra."})
    assert response.status_code == 409
    assert not ChangeRequest.objects.exists()
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Barn i årskurs 3–6."


def test_the_error_summary_links_to_the_box_with_the_error(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """The summary linked to "#svar-" (nothing) for a reply, and to the closed <details>, not the box, for a section."""
    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1))
    board_client.post(
        url("agreement_comment", cast, 1),
        form_of(page, url("agreement_comment", cast, 1), {"section": "malgrupp"}, text="Fråga."),
    )
    thread = AgreementComment.objects.get()
    page = board_client.get(url("agreement_version", cast, 1))
    too_long = "å" * 4001
    for where, box in (
        ({"section": "malgrupp", "reply_to": str(thread.code)}, f"svar-{thread.code}-text"),
        ({"section": "malgrupp"}, "kommentar-malgrupp-text"),
        ({"section": ""}, "kommentar-hela-text-text"),
    ):
        data = form_of(page, url("agreement_comment", cast, 1), where, text=too_long)
        response = board_client.post(url("agreement_comment", cast, 1), data)
        assert response.status_code == 400
        assert f'<a href="#{box}">' in response.text
        assert f'id="{box}" rows="3" data-maxlength="4000" aria-invalid="true"' in response.text
        assert too_long in response.text


def test_comparing_two_rewritten_20000_character_sections_takes_no_time() -> None:
    """Word by word, difflib needed 45 seconds for one such section: the diff page of a whole agreement hung."""
    import random
    import time

    from collaboration.textdiff import diff_html, word_diff

    rng = random.Random(8)
    words = ["barn", "skola", "läxa", "förening", "kommun", "mål", "och", "i", "att", "det"]
    old = " ".join(rng.choice(words) for _ in range(5000))[:20000]
    new = " ".join(rng.choice(words) for _ in range(5000))[:20000]
    lines = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(300)]
    edited = [line + " också" if rng.random() < 0.3 else line for line in lines]
    started = time.monotonic()
    for before, after in ((old, new), ("\n".join(lines), "\n".join(edited)), ("<b>{{ x }}</b>", "{% y %}")):
        parts = word_diff(before, after)
        assert "".join(t for k, t in parts if k != "insert") == before
        assert "".join(t for k, t in parts if k != "delete") == after
        html = diff_html(before, after)
        assert ("<b>" not in html and "&lt;b&gt;" in html) or before != "<b>{{ x }}</b>"
    assert time.monotonic() - started < 5
    # Long texts still show a changed line word by word, not as one block.
    assert ("insert", " också") in word_diff("\n".join(lines), "\n".join(edited))


def test_the_collaboration_page_and_the_start_page_say_the_approval_no_longer_counts(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """Only the agreement's own pages said so; the collaboration page and the start page just said 'utkast'."""
    under_review(officer_client, cast)
    board_client.post(url("agreement_approve", cast, 1), {})
    assert Approval.objects.count() == 1
    edit(officer_client, cast, {"malgrupp": "Barn i årskurs 3–6."})
    for page in (
        board_client.get(reverse("collaboration_detail", args=[cast.collaboration.code])),
        board_client.get(reverse("home")),
    ):
        assert page.status_code == 200
        assert "Texten har ändrats sedan version 1 skickades" in page.text


def test_a_diarienummer_typed_while_the_session_ran_out_comes_back(cast: Cast, officer_client: Client) -> None:
    """The party form had no owner token: the signed-out POST was dropped with 'kunde inte sparas'."""
    start(officer_client, cast, action="empty")
    party_url = reverse("agreement_party", args=[cast.collaboration.code, cast.kommun.code])
    data = form_of(officer_client.get(party_url), "", reference="KS 2026/1234")
    Session.objects.all().delete()
    response = officer_client.post(party_url, data)
    assert response.status_code == 302
    sign_in_again(officer_client, cast, cast.officer)
    page = officer_client.get(party_url)
    assert "Det du skrev innan du loggades ut är tillbaka" in page.text
    assert 'value="KS 2026/1234"' in page.text


def test_an_autosave_from_an_old_tab_never_erases_a_section_saved_from_another(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    start(officer_client, cast, action="empty")
    edit(officer_client, cast, {"malgrupp": "Barn.", "malbild-och-syfte": "Fler klarar skolan."})
    old_tab = browser_post(officer_client.get(url("agreement_edit", cast)))
    colleague = browser_post(board_client.get(url("agreement_edit", cast)))
    edit(board_client, cast, {"malgrupp": "Barn och unga i Centrum."}, form=colleague)
    edit(
        officer_client,
        cast,
        {"malbild-och-syfte": "Fler klarar skolan."},
        form=browser_post(officer_client.get(url("agreement_edit", cast))),
    )
    # The old tab autosaves a change in another section; its untouched "malgrupp" box still holds "Barn.".
    data = old_tab | {"answer-malbild-och-syfte": "Fler barn klarar skolan.", "action": "autosave"}
    response = officer_client.post(url("agreement_edit", cast), data, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 409)
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Barn och unga i Centrum."
    # The old tab's "Spara" with the untouched box: still never over the colleague's text.
    response = officer_client.post(url("agreement_edit", cast), old_tab | {"action": "save"})
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Barn och unga i Centrum."
    # An autosave of a *changed* box on an old base is a conflict, not an overwrite.
    data = old_tab | {"answer-malgrupp": "Barn i årskurs 4.", "action": "autosave"}
    officer_client.post(url("agreement_edit", cast), data, HTTP_HX_REQUEST="true")
    assert AgreementText.objects.get(section__slug="malgrupp").text == "Barn och unga i Centrum."


def test_guessing_urls_of_another_collaboration_or_party_gets_404(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """A comment UUID of collaboration A through the URLs of collaboration B, a party code, a version number."""
    from dataclasses import replace

    from tests.factories import CollaborationFactory

    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1))
    board_client.post(
        url("agreement_comment", cast, 1),
        form_of(page, url("agreement_comment", cast, 1), {"section": "malgrupp"}, text="Hemlig fråga."),
    )
    secret = AgreementComment.objects.get()
    # The kommun's second collaboration, with another förening; the officer is a party to both.
    other = replace(cast, collaboration=CollaborationFactory(title="Simskola", parties=[cast.kommun, cast.other_org]))
    under_review(officer_client, other, "Barn som inte kan simma.")
    resolve = reverse("agreement_comment_resolve", args=[other.collaboration.code, 1, secret.code])
    assert officer_client.post(resolve).status_code == 404
    assert AgreementComment.objects.get(pk=secret.pk).resolved_at is None
    reply = officer_client.post(url("agreement_comment", other, 1), {"reply_to": str(secret.code), "text": "Svar."})
    assert reply.status_code == 400
    assert "Hemlig fråga." not in reply.text
    assert secret.replies.count() == 0
    # The förening's own details are for its own people only; a kommun officer guessing its code gets 404.
    forening_party = reverse("agreement_party", args=[cast.collaboration.code, cast.forening.code])
    assert officer_client.get(forening_party).status_code == 404
    assert officer_client.post(forening_party, {"reference": "Fel"}).status_code == 404
    # The outsider (a party to "Simskola" only) reads nothing of "Läxhjälp i Centrum".
    outsider = client_for(cast.outsider)
    for path in (
        url("agreement_version", cast, 1),
        url("agreement_version", cast, 2),
        url("agreement_version", cast, 99999999999999999999),
        url("agreement_diff", cast) + "?fran=1&till=utkast",
        reverse("agreement_party", args=[cast.collaboration.code, cast.other_org.code]),
    ):
        response = outsider.get(path)
        assert response.status_code == 404, path
        assert "Barn i årskurs" not in response.text
    for path, data in (
        (url("agreement_comment", cast, 1), {"text": "Hej"}),
        (url("agreement_request_changes", cast, 1), {"message": "Hej"}),
        (url("agreement_approve", cast, 1), {}),
        (reverse("agreement_comment_resolve", args=[cast.collaboration.code, 1, secret.code]), {}),
    ):
        assert outsider.post(path, data).status_code == 404, path
    assert AgreementComment.objects.count() == 1
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("field", ["comment", "message", "decision_reference"])
def test_a_60000_character_paste_or_markup_in_a_version_page_field_is_refused_whole_and_shown_escaped(
    cast: Cast, officer_client: Client, board_client: Client, field: str
) -> None:
    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1))
    action, name, where = {
        "comment": ("agreement_comment", "text", {"section": "malgrupp"}),
        "message": ("agreement_request_changes", "message", None),
        "decision_reference": ("agreement_approve", "decision_reference", None),
    }[field]
    pasted = "<script>alert(1)</script>{{ x }}{% now 'Y' %}\u202egnp.exe " * 1000
    data = form_of(page, url(action, cast, 1), where, **{name: pasted[:60000]})
    response = board_client.post(url(action, cast, 1), data)
    assert response.status_code == 400
    assert "högst" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ x }}{% now &#x27;Y&#x27; %}" in response.text
    assert "<script>alert(1)" not in response.text
    assert not (AgreementComment.objects.exists())
    assert not (ChangeRequest.objects.exists())
    assert not (Approval.objects.exists())
    short = "<b>Fet?</b> {{ request.user }} {% now 'Y' %}"
    board_client.post(url(action, cast, 1), form_of(page, url(action, cast, 1), where, **{name: short}))
    shown = board_client.get(url("agreement_version", cast, 1)).text
    assert "&lt;b&gt;Fet?&lt;/b&gt; {{ request.user }} {% now &#x27;Y&#x27; %}" in shown


def test_the_approval_and_change_request_forms_are_on_the_page_not_in_its_title(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """They had slipped into {% block title %}: a browser shows <title> as plain text, so nobody could approve."""
    import re

    under_review(officer_client, cast)
    page = board_client.get(url("agreement_version", cast, 1)).text
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title is not None
    assert "<" not in title.group(1)
    body = page[title.end() :]
    assert 'action="{}"'.format(url("agreement_approve", cast, 1)) in body
    assert 'action="{}"'.format(url("agreement_request_changes", cast, 1)) in body
    assert body.index('id="godkann-rubrik"') < body.index("</main>")


def test_opening_the_editing_page_and_saving_nothing_keeps_the_version_under_review(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    """Spara, an autosave or 'Spara och skicka' without a changed word must not void the parties' approvals."""
    from collaboration.models import Agreement, AgreementState

    under_review(officer_client, cast)
    board_client.post(url("agreement_approve", cast, 1), {})
    form = browser_post(officer_client.get(url("agreement_edit", cast)))
    officer_client.post(url("agreement_edit", cast), form | {"action": "autosave"}, HTTP_HX_REQUEST="true")
    officer_client.post(url("agreement_edit", cast), form | {"action": "save"})
    response = officer_client.post(url("agreement_edit", cast), form | {"action": "save-send"}, follow=True)
    assert "redan skickad för granskning som version 1" in response.text
    assert Agreement.objects.get().state == AgreementState.GRANSKNING
    assert AgreementVersion.objects.count() == 1
    page = board_client.get(url("agreement_version", cast, 1))
    assert "gäller inte den nuvarande texten" not in page.text


def test_the_version_page_query_count_does_not_grow_with_comments_and_change_requests(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from collaboration.agreement import review

    version = under_review(officer_client, cast)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert board_client.get(url("agreement_version", cast, 1)).status_code == 200
        return len(captured)

    def thread(n: int) -> None:
        root = review.agreement_comment(
            version=version, user=cast.board_member, organisation=cast.forening, section_slug="malgrupp", text=f"F{n}"
        )
        review.agreement_comment(
            version=version, user=cast.officer, organisation=cast.kommun, section_slug="", text=f"S{n}", parent=root
        )
        review.agreement_request_changes(
            version=version, user=cast.board_member, organisation=cast.forening, message=f"Ä{n}"
        )

    thread(0)
    one = queries()
    for n in range(1, 6):
        thread(n)
    assert queries() == one


def test_a_change_request_typed_while_signed_out_is_shown_to_copy_when_the_version_moved_on(
    cast: Cast, officer_client: Client, board_client: Client
) -> None:
    under_review(officer_client, cast)
    version_url = url("agreement_version", cast, 1)
    page = board_client.get(version_url)
    change = form_of(page, url("agreement_request_changes", cast, 1), message="Ta med lovveckorna.")
    Session.objects.all().delete()
    board_client.post(url("agreement_request_changes", cast, 1), change)
    edit(client_for(cast.officer), cast, {"malgrupp": "Barn i årskurs 3–6."})  # meanwhile the text changes
    sign_in_again(board_client, cast, cast.board_member)
    page = board_client.get(version_url)
    assert "Formuläret du skrev i finns inte längre" in page.text
    assert "Ta med lovveckorna." in page.text
