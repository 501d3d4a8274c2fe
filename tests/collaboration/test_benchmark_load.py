"""The load benchmark's parts that need no server and no clock: the floor view, the plan, the autosave
writers, the wrk scripts and the checks made before anything is timed (benchmark_load)."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from collaboration.agreement import approval
from collaboration.cowriting.contract import Edit
from collaboration.devtools.management.commands.benchmark_load import (
    FLOOR_PATH,
    RESULT_MARK,
    WRK,
    Page,
    PageResult,
    Run,
    Slot,
    Targets,
    autosave_slots,
    check_answer,
    choose_targets,
    lua_script,
    page_paths,
    parse_wrk_output,
    step_form_fields,
)
from collaboration.devtools.serving import Response, production_environment
from collaboration.models import Answer
from tests.collaboration.helpers import MALGRUPP, questions, send_version, step_obj, step_url, stored
from tests.conftest import client_for
from tests.factories import CollaborationFactory

pytestmark = pytest.mark.django_db


def test_the_floor_view_does_not_exist_unless_the_benchmark_turns_it_on(cast, officer_client):
    assert officer_client.get(FLOOR_PATH).status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("benchmark_floor")


@override_settings(ROOT_URLCONF="collaboration.devtools.urls_benchmark")
def test_turned_on_the_floor_answers_a_signed_in_person_with_a_tiny_page(cast, officer_client, client):
    response = officer_client.get(FLOOR_PATH)
    assert response.status_code == 200
    assert response.content == b"ok"
    # The same middleware as every signed-in page: nothing private is cached.
    assert "no-store" in response["Cache-Control"]
    assert client.get(FLOOR_PATH).status_code == 302  # signed out: to the sign-in page, as any page
    assert officer_client.post(FLOOR_PATH).status_code == 405
    # Every page of the portal is still where it was.
    assert officer_client.get(reverse("home")).status_code == 200


def test_the_server_runs_with_production_settings_over_plain_loopback_http(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")  # how the command itself is often run: must not leak into the server
    env = production_environment(
        database_url="postgres://db/x",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        extra={"PORTAL_BENCHMARK_FLOOR": "true"},
    )
    assert env["DJANGO_DEBUG"] == "false"
    assert len(env["DJANGO_SECRET_KEY"]) >= 50
    assert env["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == env["DJANGO_SECURE_COOKIES"] == "false"
    assert env["DATABASE_URL"] == "postgres://db/x"
    assert env["PORTAL_BENCHMARK_FLOOR"] == "true"
    assert (
        production_environment(database_url="x", static_root=tmp_path, media_root=tmp_path)["DJANGO_SECRET_KEY"]
        != (env["DJANGO_SECRET_KEY"])
    )


def _adopted_after_two_versions(cast):
    send_version(cast.collaboration, cast.officer, cast.kommun, {"bakgrund-och-problembild": "Första versionen."})
    version = send_version(
        cast.collaboration, cast.officer, cast.kommun, {"bakgrund-och-problembild": "Andra versionen."}
    )
    approval.agreement_approve(version=version, user=cast.coordinator, organisation=cast.kommun)
    approval.agreement_approve(version=version, user=cast.board_member, organisation=cast.forening)
    return version


def test_the_plan_picks_an_adopted_agreement_and_every_planned_page_answers_200(cast):
    version = _adopted_after_two_versions(cast)
    targets = choose_targets(coordinator=cast.coordinator, writers=[cast.coordinator, cast.officer], slots=4)
    assert targets.collaboration == cast.collaboration
    assert targets.organisation == cast.kommun
    assert targets.versions == [1, 2]
    assert targets.adopted == version.number == 2
    assert targets.writing == [cast.collaboration]
    paths = dict(page_paths(targets))
    assert paths["version diff"].endswith("?fran=1&till=2")
    assert paths["start page, last page"].endswith("?sida=1")
    coordinator = client_for(cast.coordinator)
    for name, path in paths.items():
        response = coordinator.get(path)
        assert response.status_code == 200, (name, path, response.status_code)


def test_the_plan_refuses_a_coordinator_without_an_adopted_agreement(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="adopted agreement"):
        choose_targets(coordinator=cast.coordinator, writers=[cast.coordinator], slots=1)


def _slot(client, collaboration, box_index=0):
    response = client.get(step_url(collaboration, MALGRUPP))
    fields = step_form_fields(response.text)
    boxes = [name for name, _ in fields if name.startswith("answer-")]
    return Slot(path=step_url(collaboration, MALGRUPP), cookie="", csrf="", fields=fields, box=boxes[box_index])


def _autosave(client, slot, text):
    return client.post(
        slot.path, data=slot.body(text), content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true"
    )


def test_a_writer_read_from_the_step_page_posts_what_htmx_posts(cast, officer_client):
    question = questions(MALGRUPP)[0]
    Answer.objects.create(collaboration=cast.collaboration, question=question, text="Rad ett\nrad två", version=1)
    fields = dict(step_form_fields(officer_client.get(step_url(cast.collaboration, MALGRUPP)).text))
    assert fields["action"] == "autosave"
    assert fields["writer"]
    assert fields[f"base-{question.code}"].startswith("1:")
    assert "csrfmiddlewaretoken" in fields
    assert "draft_owner" in fields
    # The text as the browser holds it: without the newline Django writes after <textarea>.
    assert fields[f"answer-{question.code}"] == "Rad ett\nrad två"
    assert not any(name.startswith("save") or name == "unanswered" for name in fields)


def test_every_autosave_of_one_writer_really_saves_and_a_colleagues_save_is_reported(cast, officer_client):
    question = questions(MALGRUPP)[0]
    slot = _slot(officer_client, cast.collaboration)
    page = Page("autosave", slot.path, slots=[slot])
    for counter in range(1, 4):
        # The same page load (writer token and bases) each time, as every wrk request sends.
        response = _autosave(officer_client, slot, f"Lasttest {counter}")
        assert check_answer(page, Response(response.status_code, {}, response.content)) == ""
        assert stored(cast.collaboration, question) == f"Lasttest {counter}"
    answer = Answer.objects.get(collaboration=cast.collaboration, question=question, party_organisation=None)
    # A colleague writes meanwhile: the writer's next autosave is a conflict, and the check says so.
    Answer.save_texts(
        collaboration=cast.collaboration,
        edits=[Edit(slot=question, text="Kollegans text", base=answer.base)],
        writer="kollega-sidan",
        user=cast.coordinator,
        organisation=cast.kommun,
    )
    response = _autosave(officer_client, slot, "Lasttest 4")
    assert "did not save" in check_answer(page, Response(response.status_code, {}, response.content))
    assert stored(cast.collaboration, question) == "Kollegans text"


def test_a_page_that_does_not_answer_as_expected_is_reported_before_timing():
    page = Page("start page", "/")
    assert check_answer(page, Response(200, {}, b"<html>")) == ""
    assert check_answer(page, Response(500, {}, b"")) == "answered 500, expected 200"
    assert check_answer(page, Response(302, {"Location": "/logga-in/"}, b"")) == "answered 302, expected 200"


def test_the_wrk_script_of_a_page_sends_the_session_cookie_and_counts_every_other_status():
    script = lua_script(Page("step", "/samverkan/x/steg/", cookie="sessionid=abc; csrftoken=def"), threads=2)
    assert 'wrk.path = "/samverkan/x/steg/"' in script
    assert 'wrk.headers["Cookie"] = "sessionid=abc; csrftoken=def"' in script
    assert "EXPECT = 200" in script
    assert "status ~= EXPECT" in script
    assert "function request()" not in script  # a fixed request, built once by wrk


def test_the_wrk_script_of_autosave_posts_each_writers_form_with_a_new_text_each_time():
    slots = [
        Slot(
            path=f"/samverkan/{i}/steg/",
            cookie=f"sessionid=s{i}",
            csrf=f"t{i}",
            fields=[("writer", f"w{i}"), ("answer-a", "gammal text"), ("answer-b", "å"), ("action", "autosave")],
            box="answer-a",
        )
        for i in range(3)
    ]
    script = lua_script(Page("autosave", slots[0].path, slots=slots), threads=2)
    for slot in slots:
        before, _, after = slot.body("\0").partition("%00")
        assert before == "writer=w" + slot.path.split("/")[2] + "&answer-a="
        assert after == "&answer-b=%C3%A5&action=autosave"
        assert f'path = "{slot.path}"' in script
        assert f'["X-CSRFToken"] = "{slot.csrf}"' in script
        assert f'["Cookie"] = "{slot.cookie}"' in script
    assert '["HX-Request"] = "true"' in script
    assert "counter = counter + 1" in script
    # Each run types texts no earlier run saved (its warm-up included): a repeated text would be "unchanged".
    text_line = next(line for line in script.splitlines() if "local text =" in line)
    again = lua_script(Page("autosave", slots[0].path, slots=slots), threads=2)
    assert text_line not in again
    # An answer that did not save counts as failed (the quotes as Lua decimal escapes).
    assert 'MUST_CONTAIN = "\\34outcome\\34: \\34saved\\34"' in script
    # What a request posts is the writer's form with only its box changed.
    assert urllib.parse.parse_qs(slots[0].body("Lasttest 1-7")) == {
        "writer": ["w0"],
        "answer-a": ["Lasttest 1-7"],
        "answer-b": ["å"],
        "action": ["autosave"],
    }


def test_wrks_summary_becomes_requests_per_second_and_milliseconds():
    line = RESULT_MARK + json.dumps(
        {
            "requests": 1000,
            "duration_us": 5_000_000,
            "p50_us": 12_500,
            "p95_us": 40_000,
            "p99_us": 80_000,
            "max_us": 95_000,
            "bad": 3,
            "socket_errors": 1,
        }
    )
    run = parse_wrk_output("Running 5s test @ http://127.0.0.1:1/\n" + line + "\n")
    assert run == Run(
        requests=1000, seconds=5.0, rps=200.0, p50=12.5, p95=40.0, p99=80.0, max=95.0, bad=3, socket_errors=1
    )


def test_a_page_is_compared_with_the_mean_of_the_floor_before_and_after_it():
    def run(rps, p95=10.0, bad=0):
        return Run(requests=1, seconds=1, rps=rps, p50=1, p95=p95, p99=1, max=1, bad=bad, socket_errors=0)

    fine = PageResult("step", "GET", "/", page=run(50), floor_before=run(300), floor_after=run(500))
    assert fine.ratio == pytest.approx(50 / 400)
    assert fine.flags() == []
    slow = PageResult("step", "GET", "/", page=run(40, p95=120), floor_before=run(300), floor_after=run(500))
    assert slow.flags() == ["throughput < 1/8 floor", "p95 ≥ 100 ms"]
    failing = PageResult("step", "GET", "/", page=run(900, bad=5), floor_before=run(300), floor_after=run(500))
    assert failing.failed
    assert failing.flags() == ["5 FAILED"]
    autosave = PageResult(
        "autosave", "POST", "/", page=run(100, p95=60), floor_before=run(300), floor_after=run(500), p95_target_ms=50
    )
    assert autosave.flags() == ["p95 ≥ 50 ms"]


class _Answers(http.server.BaseHTTPRequestHandler):
    """200 on /ok (with an autosave-like body when it saved), 404 elsewhere."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        posted = self.rfile.read(length).decode()
        saved = "answer-a=Lasttest" in posted and self.headers.get("HX-Request") == "true"
        body = b'{"outcome": "saved"}' if saved else b"<html>"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tiny_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _wrk(base_url, page, tmp_path):
    script = tmp_path / "page.lua"
    script.write_text(lua_script(page, threads=1))
    finished = subprocess.run(
        [WRK, "-t1", "-c1", "-d1s", f"--script={script}", base_url + page.path],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return parse_wrk_output(finished.stdout)


@pytest.mark.skipif(not Path(WRK).exists(), reason="wrk is not installed (apt-get install wrk)")
def test_wrk_counts_every_answer_that_is_not_what_the_page_should_answer(tiny_server, tmp_path):
    fine = _wrk(tiny_server, Page("fine", "/ok"), tmp_path)
    assert fine.requests > 0
    assert fine.bad == 0
    missing = _wrk(tiny_server, Page("missing", "/saknas"), tmp_path)
    assert missing.requests > 0
    assert missing.bad == missing.requests  # every 404 counted, none passed off as a fast page

    def writer(box):
        return Slot(path="/ok", cookie="s=1", csrf="t", fields=[("answer-a", ""), ("answer-b", "")], box=box)

    saving = _wrk(tiny_server, Page("autosave", "/ok", slots=[writer("answer-a")]), tmp_path)
    assert saving.requests > 0
    assert saving.bad == 0
    # 200, but the answer says nothing was saved: a failed autosave all the same.
    not_saving = _wrk(tiny_server, Page("autosave", "/ok", slots=[writer("answer-b")]), tmp_path)
    assert not_saving.requests > 0
    assert not_saving.bad == not_saving.requests


class _DjangoClientAsPortalClient:
    """The Django test client behind the few methods autosave_slots uses of PortalClient."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        response = self.client.get(path)
        return Response(response.status_code, {}, response.content)

    def cookie_header(self):
        return "sessionid=x"

    def cookie(self, name):
        return "csrf"


def test_autosave_writers_never_share_an_answer(cast):
    other = CollaborationFactory(title="Andra samverkan", parties=[cast.kommun, cast.forening])
    targets = Targets(
        organisation=cast.kommun,
        collaboration=cast.collaboration,
        step=step_obj(MALGRUPP),
        versions=[1],
        adopted=1,
        start_pages=1,
        writing=[cast.collaboration, other],
    )
    clients = [
        _DjangoClientAsPortalClient(client_for(cast.coordinator)),
        _DjangoClientAsPortalClient(client_for(cast.officer)),
    ]
    boxes = len(questions(MALGRUPP))
    slots = autosave_slots(targets, clients, 100)
    # One writer per answer: every box of the step in both collaborations, and no more.
    assert len(slots) == 2 * boxes
    assert len({(slot.path, slot.box) for slot in slots}) == len(slots)
    assert len({dict(slot.fields)["writer"] for slot in slots}) == len(slots)  # each its own page load
    assert {slot.path for slot in slots[:2]} == {step_url(cast.collaboration, MALGRUPP), step_url(other, MALGRUPP)}
