"""E-mail notifications: at once, in a daily summary or never; retried when sending fails, never sent twice."""

from __future__ import annotations

import email.policy
import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from portal import emails
from portal.models import DigestRun, EmailChoice, Notification, User
from portal.notifications import choice_token, notify, send_digests, send_notification
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PATH = "/samverkan/abc/avsiktsforklaring/"
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what notify() queued for after the commit, as the end of a request would."""

    def run(**kwargs) -> int:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return send(**kwargs)

    return run


@pytest.fixture
def digests(django_capture_on_commit_callbacks):
    """`send_digests`, with the sending it queues run as after its commit."""

    def run(**kwargs) -> int:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return send_digests(**kwargs)

    return run


@pytest.fixture
def digest_command(django_capture_on_commit_callbacks):
    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", verbosity=0)

    return run


def send(**kwargs) -> int:  # type: ignore[no-untyped-def]
    fields = {
        "kind": "granskning",
        "subject": "Avsiktsförklaringen för Läxhjälp i Centrum väntar på granskning",
        "summary": "Sam Samordnare skickade version 2 på granskning.",
        "path": PATH,
        "group": "Läxhjälp i Centrum",
    }
    return notify(**{**fields, **kwargs})


def choose(user: User, choice: str) -> None:
    User.objects.filter(pk=user.pk).update(email_notifications=choice)


def relay_fails(monkeypatch, times: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The mail server refuses the next `times` messages, then takes them; returns the count of refusals."""
    refused: list[int] = []
    real = EmailBackend.send_messages

    def flaky(self, messages):  # type: ignore[no-untyped-def]
        if len(refused) < times:
            refused.append(1)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    return refused


def link_in(body: str, path_start: str) -> str:
    match = re.search(rf"{re.escape(SITE)}({re.escape(path_start)}[^\s\"<>]*)", body)
    assert match, body
    return match.group(1)


# --- who gets what --------------------------------------------------------------


def test_a_direct_notification_is_mailed_at_once_with_absolute_links(cast, run_on_commit):
    assert run_on_commit(recipients=[cast.officer]) == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.officer.email]
    assert message.subject == "Avsiktsförklaringen för Läxhjälp i Centrum väntar på granskning"
    assert "Sam Samordnare skickade version 2 på granskning." in message.body
    assert f"{SITE}{PATH}" in message.body
    assert "Ändra vilka e-postmeddelanden du får:" in message.body
    html = message.alternatives[0].content
    assert f'<a href="{SITE}{PATH}">Läs mer i Samverkansportalen</a>' in html
    assert "Ändra vilka e-postmeddelanden du får</a>" in html
    choice_link = link_in(message.body, "/e-post/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{choice_link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = Notification.objects.get()
    assert (row.recipient, row.delivery, row.attempts) == (cast.officer, EmailChoice.DIRECT, 1)
    assert row.sent_at is not None


@override_settings(SITE_URL="https://samverkansportalen.halmstads-kommun.example.se:8443")
def test_the_unsubscribe_link_goes_out_on_one_line_that_mail_programs_can_read(cast, run_on_commit):
    """RFC 8058 one-click unsubscribe needs the `<https://…>` itself, however long the portal's address makes it."""
    run_on_commit(recipients=[cast.officer])
    message = mail.outbox[0]
    link = f"https://samverkansportalen.halmstads-kommun.example.se:8443{choice_link_of(cast.officer)}"
    # The bytes Django's SMTP backend hands the mail server.
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    header = re.search(rb"^List-Unsubscribe:.*?\r\n(?![ \t])", raw, re.MULTILINE | re.DOTALL)
    assert header, raw
    assert len(header.group()) > 78  # long enough that it used to be folded
    # Not encoded (=?utf-8?q?=3Chttps…), not folded: the link as it is.
    assert header.group() == f"List-Unsubscribe: <{link}>\r\n".encode("ascii")
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    # A mail program reading the message finds the link.
    assert email.message_from_bytes(raw, policy=email.policy.default)["List-Unsubscribe"] == f"<{link}>"


def test_a_header_written_as_it_is_refuses_a_line_break():
    """Written unfolded, the value skips the email package's check: a line break must not add a header."""
    with pytest.raises(ValueError, match="one line"):
        emails.unfolded_header("List-Unsubscribe", "<https://samverkan.example.se/>\r\nBcc: vem@example.com")


def test_nothing_is_sent_when_the_change_rolls_back(cast, django_capture_on_commit_callbacks):
    def failing_change() -> None:
        with transaction.atomic():
            send(recipients=[cast.officer])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_actor_inactive_people_and_those_who_chose_never_are_left_out(cast, run_on_commit):
    inactive = UserFactory(is_active=False)
    choose(cast.board_member, EmailChoice.NEVER)
    queued = run_on_commit(
        recipients=[cast.officer, cast.coordinator, cast.board_member, inactive, cast.officer],
        exclude=cast.coordinator,
    )
    assert queued == 1
    assert [m.to for m in mail.outbox] == [[cast.officer.email]]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [cast.officer.pk]


def test_a_daily_person_gets_nothing_until_the_summary(cast, run_on_commit):
    choose(cast.officer, EmailChoice.DAILY)
    choose(cast.board_member, EmailChoice.DAILY)
    assert run_on_commit(recipients=[cast.officer, cast.board_member, cast.coordinator]) == 3
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert Notification.objects.filter(delivery=EmailChoice.DAILY, sent_at=None).count() == 2


def test_notify_costs_the_same_few_queries_however_many_people_it_tells(cast, django_assert_num_queries):
    people = [UserFactory() for _ in range(12)]
    with django_assert_num_queries(2):  # read everyone's choice, store every notification
        assert send(recipients=people) == 12
    with django_assert_num_queries(2):
        assert send(recipients=people[:1]) == 1


def test_a_path_must_be_on_this_site(cast):
    with pytest.raises(ValueError, match="path"):
        send(recipients=[cast.officer], path="https://elsewhere.example/")


def test_too_long_texts_are_shortened_instead_of_failing_the_change(cast, run_on_commit):
    run_on_commit(recipients=[cast.officer], subject="Å" * 300, group="G" * 300)
    row = Notification.objects.get()
    assert len(row.subject) == 200
    assert row.subject.endswith("…")
    assert len(row.group) == 200


# --- the daily summary ---------------------------------------------------------


def test_the_summary_holds_all_of_a_persons_waiting_notifications_grouped(cast, run_on_commit, digest_command):
    choose(cast.officer, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer], summary="Första händelsen.", group="Läxhjälp i Centrum")
    run_on_commit(recipients=[cast.officer], summary="Andra händelsen.", group="Gröna gårdar", path="/b/")
    run_on_commit(recipients=[cast.officer], summary="Tredje händelsen.", group="Läxhjälp i Centrum", path="/c/")
    assert mail.outbox == []

    digest_command()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.officer.email]
    assert message.subject.startswith("3 händelser i Samverkansportalen")
    body = message.body
    # Grouped by their heading, each with its own link.
    assert body.index("Gröna gårdar") < body.index("Andra händelsen.") < body.index("Läxhjälp i Centrum")
    assert body.index("Läxhjälp i Centrum") < body.index("Första händelsen.") < body.index("Tredje händelsen.")
    assert f"{SITE}/b/" in body
    assert f"{SITE}/c/" in body
    assert "Ändra vilka e-postmeddelanden du får:" in body
    html = message.alternatives[0].content
    assert "<h2" in html
    assert html.count("<li>") == 3
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.filter(sent_at=None).count() == 0


def test_send_digests_twice_the_same_day_sends_one_summary_per_person(cast, run_on_commit, digest_command):
    choose(cast.officer, EmailChoice.DAILY)
    choose(cast.board_member, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer, cast.board_member])
    run_on_commit(recipients=[cast.officer], summary="Något mer.")

    digest_command()
    digest_command()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.officer.email, cast.board_member.email])
    assert DigestRun.objects.count() == 2


def test_what_happens_after_the_days_summary_waits_for_the_next_day(cast, run_on_commit, digests):
    choose(cast.officer, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer], summary="Före utskicket.")
    assert digests() == 1
    run_on_commit(recipients=[cast.officer], summary="Efter utskicket.")
    assert digests() == 0
    assert len(mail.outbox) == 1

    assert digests(day=timezone.localdate() + timedelta(days=1)) == 1
    assert len(mail.outbox) == 2
    assert "Efter utskicket." in mail.outbox[1].body
    assert "Före utskicket." not in mail.outbox[1].body


def test_nobody_without_waiting_notifications_gets_a_summary(cast, run_on_commit, digests):
    choose(cast.officer, EmailChoice.DAILY)
    assert digests() == 0
    assert mail.outbox == []


def test_a_summary_is_not_sent_to_someone_who_chose_never_meanwhile(cast, run_on_commit, digests):
    choose(cast.officer, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer])
    choose(cast.officer, EmailChoice.NEVER)
    digests()
    assert mail.outbox == []
    assert Notification.objects.get().cancelled_at is not None


# --- retries and never twice --------------------------------------------------------


def test_a_send_that_fails_once_is_retried_and_sent_exactly_once(cast, run_on_commit, monkeypatch):
    refused = relay_fails(monkeypatch, times=1)
    run_on_commit(recipients=[cast.officer])

    assert len(refused) == 1
    assert len(mail.outbox) == 1
    row = Notification.objects.get()
    assert row.attempts == 2
    assert row.sent_at is not None
    assert row.failed_at is None
    assert "SMTPServerDisconnected" in row.last_error


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3)
def test_a_send_that_keeps_failing_stops_after_the_last_attempt_and_is_marked_failed(cast, run_on_commit, monkeypatch):
    refused = relay_fails(monkeypatch, times=100)
    run_on_commit(recipients=[cast.officer])

    assert len(refused) == 3
    assert mail.outbox == []
    row = Notification.objects.get()
    assert row.attempts == 3
    assert row.failed_at is not None
    assert row.sent_at is None
    # Running its task again (a duplicate, a restart) tries nothing more.
    send_notification.enqueue(notification_id=row.pk)
    assert len(refused) == 3


@override_settings(NOTIFICATION_MAX_ATTEMPTS=2)
def test_a_summary_that_keeps_failing_marks_it_and_its_notifications_failed(cast, run_on_commit, digests, monkeypatch):
    choose(cast.officer, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer])
    refused = relay_fails(monkeypatch, times=100)
    digests()
    assert len(refused) == 2
    run = DigestRun.objects.get()
    assert (run.attempts, run.failed_at is not None, run.sent_at) == (2, True, None)
    notification = Notification.objects.get()
    assert notification.failed_at is not None
    assert "SMTPServerDisconnected" in notification.last_error


def test_running_the_task_twice_sends_once(cast, run_on_commit):
    run_on_commit(recipients=[cast.officer])
    row = Notification.objects.get()
    send_notification.enqueue(notification_id=row.pk)
    send_notification.enqueue(notification_id=row.pk)
    assert len(mail.outbox) == 1
    assert Notification.objects.get().attempts == 1


def test_a_failing_summary_is_retried_and_sent_once(cast, run_on_commit, monkeypatch, digests):
    choose(cast.officer, EmailChoice.DAILY)
    run_on_commit(recipients=[cast.officer])
    refused = relay_fails(monkeypatch, times=1)
    digests()
    digests()
    assert len(refused) == 1
    assert len(mail.outbox) == 1
    run = DigestRun.objects.get()
    assert (run.attempts, run.sent_at is not None) == (2, True)


# --- changing one's choice -----------------------------------------------------------


def choice_link_of(user: User) -> str:
    return reverse("email_choice_link", args=[choice_token(user)])


def test_the_link_in_a_mail_opens_the_choice_page_signed_out_and_get_changes_nothing(cast, run_on_commit):
    run_on_commit(recipients=[cast.officer])
    link = link_in(mail.outbox[0].body, "/e-post/")
    page = Client().get(link)
    assert page.status_code == 200
    assert "Ändra vilka e-postmeddelanden du får" in page.text
    assert cast.officer.email in page.text
    assert "Sluta skicka e-post om händelser till mig" in page.text
    assert "no-store" in page["Cache-Control"]
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.DIRECT


def test_one_button_on_the_link_page_stops_the_mail(cast):
    link = choice_link_of(cast.officer)
    response = Client().post(link, {"email_notifications": EmailChoice.NEVER}, follow=True)
    assert "Sparat. Du får inga e-postmeddelanden om händelser." in response.text
    assert "Du får inga e-postmeddelanden om händelser just nu." in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.NEVER


def test_the_link_page_also_chooses_the_daily_summary(cast):
    response = Client().post(choice_link_of(cast.officer), {"email_notifications": EmailChoice.DAILY}, follow=True)
    assert "en sammanfattning per e-post en gång om dagen" in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.DAILY


def test_a_wrong_choice_on_the_link_page_says_so_in_swedish_and_changes_nothing(cast):
    response = Client().post(choice_link_of(cast.officer), {"email_notifications": "varje-timme"})
    assert response.status_code == 200
    assert "Välj ett av alternativen." in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.DIRECT


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user, other: choice_token(user)[:-2] + "xx", id="changed signature"),
        pytest.param(
            lambda user, other: choice_token(other).split(":")[0] + ":" + choice_token(user).split(":")[1],
            id="other person",
        ),
        pytest.param(lambda user, other: signing.Signer().sign_object(user.pk), id="signed for something else"),
        pytest.param(lambda user, other: "MQ", id="no signature"),
    ],
)
def test_a_tampered_link_is_404_and_changes_nothing(cast, make_token):
    token = make_token(cast.officer, cast.board_member)
    url = reverse("email_choice_link", args=[token])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 404
    assert client.post(url, {"email_notifications": EmailChoice.NEVER}).status_code == 404
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert set(User.objects.values_list("email_notifications", flat=True)) == {EmailChoice.DIRECT}


def test_every_mail_to_a_person_carries_the_same_link():
    assert choice_token(User(pk=7)) == choice_token(User(pk=7)) != choice_token(User(pk=8))


def test_a_mail_programs_one_click_unsubscribe_post_needs_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        choice_link_of(cast.officer), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.NEVER


def test_other_portal_forms_still_need_their_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.officer)
    response = client.post(reverse("email_choice"), {"email_notifications": EmailChoice.NEVER})
    assert response.status_code == 403
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.DIRECT


def test_a_signed_in_person_chooses_on_their_settings_page(cast):
    client = client_for(cast.officer)
    page = client.get(reverse("email_choice"))
    assert page.status_code == 200
    assert "Hur ofta vill du få e-post om det som händer i din samverkan?" in page.text
    assert f'href="{reverse("email_choice")}"' in page.text  # in the menu
    response = client.post(reverse("email_choice"), {"email_notifications": EmailChoice.DAILY}, follow=True)
    assert "Sparat. Du får en sammanfattning per e-post en gång om dagen" in response.text
    cast.officer.refresh_from_db()
    assert cast.officer.email_notifications == EmailChoice.DAILY


def test_the_settings_page_asks_for_a_choice_in_swedish(cast):
    response = client_for(cast.officer).post(reverse("email_choice"), {})
    assert response.status_code == 200
    assert "Välj hur ofta du vill få e-post." in response.text
    assert "Det finns problem att rätta" in response.text


def test_after_choosing_never_no_more_mail_comes(cast, run_on_commit):
    Client().post(
        choice_link_of(cast.officer), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert run_on_commit(recipients=[cast.officer]) == 0
    assert mail.outbox == []


def test_a_queued_mail_to_someone_who_chose_never_before_it_went_out_is_not_sent(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(recipients=[cast.officer])
    choose(cast.officer, EmailChoice.NEVER)
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert Notification.objects.get().cancelled_at is not None


def test_the_admin_shows_notifications_read_only(cast, run_on_commit, client):
    run_on_commit(recipients=[cast.officer])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    row = Notification.objects.get()
    assert client.get(reverse("admin:portal_notification_changelist")).status_code == 200
    page = client.get(reverse("admin:portal_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert row.subject in page.text
    assert client.get(reverse("admin:portal_notification_add")).status_code == 403
    assert client.post(reverse("admin:portal_notification_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert Notification.objects.exists()
