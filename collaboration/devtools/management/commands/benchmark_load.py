"""Load-test the busiest pages under real concurrency: gunicorn, production settings, wrk.

    DATABASE_URL=postgres://... DJANGO_DEBUG=true python manage.py benchmark_load

(`DJANGO_DEBUG` is for this command's own process only; the server it starts runs with production
settings.) It starts the portal under gunicorn on a free loopback port, signs in through
`/logga-in/` as the `seed_scale` accounts, checks that every page answers as expected, then drives
each page with wrk for a few seconds, measuring a trivial view (the *floor*: same server, settings,
middleware and session) just before and just after it. The machine is shared and noisy: only a
page's ratio to the floor of the same run means anything.

Nothing here is timed in the test suite; tests/collaboration/test_benchmark_load.py covers the plan,
the Lua scripts and the checks.

Long because: the plan of pages, the wrk scripts, the checks of each page's answer and the report are one
run's parts; each is short, and apart they would only be imported back here.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from collaboration.devtools.serving import (
    DEFAULT_WORKERS,
    HEALTH_PATH,
    PortalClient,
    Response,
    ServingError,
    running_portal,
)
from collaboration.models import Collaboration, Membership, Organisation, Role, Step
from portal.models import User

WRK = "/usr/bin/wrk"
WRK_MISSING = (
    "wrk is not installed. On Debian or Ubuntu: `sudo apt-get install wrk` (it installs /usr/bin/wrk); "
    "elsewhere see https://github.com/wg/wrk, or pass its path with --wrk."
)
FLOOR_PATH = "/benchmark/golv/"
GUIDE = "samverkansmodellen"
STEP = "malgrupp"  # the step benchmark_pages times too
PAGE_SIZE = 25  # the start page's and the overview's
SAVED = '"outcome": "saved"'  # in the autosave answer's JSON (collaboration.cowriting.page)
RESULT_MARK = "BENCHMARK_RESULT "

# Targets: a page serves at least 1/8 of the floor's throughput; p95 under 100 ms, autosave under 50.
MIN_RATIO = 1 / 8
P95_TARGET_MS = 100.0
AUTOSAVE_P95_TARGET_MS = 50.0


@dataclass
class Slot:
    """One autosaving writer: a step page loaded once (its writer token and bases), one box it types in."""

    path: str
    cookie: str
    csrf: str
    fields: list[tuple[str, str]]  # everything the form posts, as the page loaded it
    box: str  # the answer-<code> field this writer changes

    def body(self, text: str) -> str:
        return urllib.parse.urlencode([(k, text if k == self.box else v) for k, v in self.fields])

    def headers(self) -> dict[str, str]:
        # What htmx sends (portal.js adds the CSRF header from the cookie).
        return {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }


@dataclass
class Page:
    name: str
    path: str
    cookie: str = ""
    expect: int = 200
    slots: list[Slot] = field(default_factory=list)  # an autosave page posts through these
    p95_target_ms: float = P95_TARGET_MS

    @property
    def method(self) -> str:
        return "POST" if self.slots else "GET"


@dataclass
class Run:
    """What one wrk run measured (times in ms)."""

    requests: int
    seconds: float
    rps: float
    p50: float
    p95: float
    p99: float
    max: float
    bad: int  # answers other than the expected status (or an autosave that did not save)
    socket_errors: int  # connect, read, write errors and timeouts
    first_failure: str = ""  # the status and the start of the first failed answer, to see why


@dataclass
class PageResult:
    name: str
    method: str
    path: str
    page: Run | None = None
    floor_before: Run | None = None
    floor_after: Run | None = None
    p95_target_ms: float = P95_TARGET_MS
    alone_ms: float = 0.0  # the check request, made alone before the run
    error: str = ""

    @property
    def floor_rps(self) -> float:
        floors = [r.rps for r in (self.floor_before, self.floor_after) if r is not None]
        return sum(floors) / len(floors) if floors else 0.0

    @property
    def ratio(self) -> float:
        return self.page.rps / self.floor_rps if self.page and self.floor_rps else 0.0

    @property
    def failed(self) -> bool:
        """The page errored at its check or during the run: its numbers say nothing about speed."""
        if self.error:
            return True
        return self.page is not None and self.page.bad + self.page.socket_errors > 0

    def flags(self) -> list[str]:
        if self.error:
            return [f"ERROR: {self.error}"]
        if self.page is None:
            return []
        flags = []
        if self.failed:
            flags.append(f"{self.page.bad + self.page.socket_errors} FAILED")
        if self.ratio < MIN_RATIO:
            flags.append("throughput < 1/8 floor")
        if self.page.requests == 0:
            # Slower than the whole run under this load: no latency to report but the page's alone.
            flags.append(f"no answer within {self.page.seconds:.0f} s (alone {self.alone_ms:.0f} ms)")
        elif self.page.p95 >= self.p95_target_ms:
            flags.append(f"p95 ≥ {self.p95_target_ms:.0f} ms")
        return flags

    def latencies(self) -> str:
        """p50 | p95 | p99 for the table."""
        if self.page is None:
            return "– | – | –"
        if self.page.requests == 0:
            return " | ".join([f"> {self.page.seconds * 1000:.0f} ms"] * 3)
        return f"{self.page.p50:.0f} ms | {self.page.p95:.0f} ms | {self.page.p99:.0f} ms"


# --- Lua for wrk ------------------------------------------------------------------------------------------


def lua_string(value: str) -> str:
    """A Lua string literal for any text (bytes outside printable ASCII as decimal escapes)."""
    out = []
    for byte in value.encode():
        char = chr(byte)
        if 32 <= byte < 127 and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\{byte}")
    return '"' + "".join(out) + '"'


_LUA_COMMON = """
local threads = {}
bad = 0
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
  thread:set("nthreads", 0)
end
first_failure = ""
function response(status, headers, body)
  local failed = status ~= EXPECT or (MUST_CONTAIN ~= nil and not string.find(body, MUST_CONTAIN, 1, true))
  if failed then
    bad = bad + 1
    if first_failure == "" then
      -- What the first failed answer said, as plain words safe inside JSON.
      local words = string.gsub(string.sub(body or "", 1, 600), "[^%w%.,:;/=-]+", " ")
      first_failure = status .. ": " .. words
    end
  end
end
function done(summary, latency, requests)
  local failed, failure = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
    if failure == "" then failure = thread:get("first_failure") end
  end
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"bad": %d, "socket_errors": %d, "first_failure": "%s"}\\n',
    RESULT_MARK, summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, failed, e.connect + e.read + e.write + e.timeout, failure))
end
"""


def lua_script(page: Page, *, threads: int) -> str:
    """The wrk script for a page: its request(s), the status check per answer, the summary as JSON."""
    lines = [
        f"EXPECT = {page.expect}",
        f"RESULT_MARK = {lua_string(RESULT_MARK)}",
        f"MUST_CONTAIN = {lua_string(SAVED) if page.slots else 'nil'}",
        f"NTHREADS = {threads}",
        _LUA_COMMON,
    ]
    if not page.slots:
        # A fixed request: wrk builds it once.
        lines += [
            'wrk.method = "GET"',
            f"wrk.path = {lua_string(page.path)}",
            f'wrk.headers["Cookie"] = {lua_string(page.cookie)}',
        ]
        return "\n".join(lines) + "\n"
    # Autosave: every request saves a new text (a counter), each thread cycling through its own writers.
    lines.append("local slots = {")
    for slot in page.slots:
        before, _, after = slot.body("\0").partition("%00")
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in slot.headers().items())
        lines.append(
            f"  {{path = {lua_string(slot.path)}, before = {lua_string(before)}, after = {lua_string(after)}, "
            f"headers = {{{headers}}}}},"
        )
    lines += [
        "}",
        "local counter = 0",
        "function request()",
        "  counter = counter + 1",
        # Thread t takes writers t, t + NTHREADS, ...: two threads rarely share a writer (harmless if they do).
        "  local slot = slots[((counter - 1) * NTHREADS + (id - 1)) % #slots + 1]",
        # Never a text saved before (by this run's warm-up, say): the same text again would be "unchanged".
        f'  local text = "Lasttest+{secrets.token_hex(4)}+" .. id .. "-" .. counter .. "+av+autosparat+svar."',
        '  return wrk.format("POST", slot.path, slot.headers, slot.before .. text .. slot.after)',
        "end",
    ]
    return "\n".join(lines) + "\n"


def parse_wrk_output(output: str) -> Run:
    for line in output.splitlines():
        if line.startswith(RESULT_MARK):
            data = json.loads(line[len(RESULT_MARK) :])
            seconds = data["duration_us"] / 1e6
            return Run(
                requests=data["requests"],
                seconds=round(seconds, 2),
                rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
                p50=data["p50_us"] / 1000,
                p95=data["p95_us"] / 1000,
                p99=data["p99_us"] / 1000,
                max=data["max_us"] / 1000,
                bad=data["bad"],
                socket_errors=data["socket_errors"],
                first_failure=data.get("first_failure", ""),
            )
    raise CommandError(f"wrk printed no result:\n{output[-2000:]}")


# --- The step form, as htmx posts it ---------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a form posts: inputs with a name (no buttons) and textareas, in page order."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or not a.get("name"):
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.fields.append((a["name"] or "", a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops a newline right after <textarea>, and Django writes one there.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def step_form_fields(html: str) -> list[tuple[str, str]]:
    """What the step page's autosave posts: every field of #step-form, plus action=autosave (hx-vals)."""
    parser = _FormFields("step-form")
    parser.feed(html)
    return [*parser.fields, ("action", "autosave")]


# --- The plan: which pages, as whom ----------------------------------------------------------------------


def check_answer(page: Page, answer: Response) -> str:
    """Judge one request made before timing: a page that errors is reported, never timed as fast.

    '' when the page answered as expected, else what went wrong.
    """
    if answer.status != page.expect:
        return f"answered {answer.status}, expected {page.expect}"
    if page.slots and SAVED not in answer.text:
        return "the autosave did not save (conflict, invalid or signed out)"
    return ""


@dataclass
class Targets:
    organisation: Organisation
    collaboration: Collaboration
    step: Step
    versions: list[int]
    adopted: int
    start_pages: int
    writing: list[Collaboration]


def choose_targets(*, coordinator: User, writers: list[User], slots: int) -> Targets:
    """Pick what to hit, by query: the coordinator's organisation and a collaboration with a history.

    The collaboration is the coordinator's first with an adopted agreement of two or more versions,
    preferring one with several accepted parties; autosave goes to the first `slots` collaborations
    every writer can see that are neither ended nor archived.
    """
    membership = (
        Membership.objects.active()
        .filter(user=coordinator, role=Role.COORDINATOR)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    if membership is None:
        raise CommandError(f"{coordinator.email} is not a coordinator of any organisation.")
    visible = Collaboration.objects.visible_to(coordinator)
    collaboration = (
        visible.filter(agreement__adopted_version__isnull=False)
        .annotate(
            n_versions=Count("agreement__versions", distinct=True),
            n_parties=Count("parties", filter=Q(parties__state="accepted"), distinct=True),
        )
        .filter(n_versions__gte=2)
        .order_by("-n_parties", "pk")
        .first()
    )
    if collaboration is None:
        raise CommandError(f"{coordinator.email} sees no collaboration with an adopted agreement of 2+ versions.")
    agreement = collaboration.agreement
    versions = list(agreement.versions.order_by("number").values_list("number", flat=True))
    assert agreement.adopted_version is not None
    step = Step.objects.select_related("phase").get(phase__guide__slug=GUIDE, slug=STEP)
    writing = visible.filter(ended_at__isnull=True, archived_at__isnull=True)
    for writer in writers:
        writing = writing.filter(pk__in=Collaboration.objects.visible_to(writer).values("pk"))
    return Targets(
        organisation=membership.organisation,
        collaboration=collaboration,
        step=step,
        versions=versions,
        adopted=agreement.adopted_version.number,
        start_pages=max(1, math.ceil(visible.active().count() / PAGE_SIZE)),
        writing=list(writing.order_by("pk")[:slots]),
    )


def page_paths(targets: Targets) -> list[tuple[str, str]]:
    """(name, path) of every GET page, in the order they are driven."""
    code = targets.collaboration.code
    step = targets.step
    versions = targets.versions
    return [
        ("start page", reverse("home")),
        ("start page, last page", reverse("home") + f"?sida={targets.start_pages}"),
        ("overview", reverse("overview", args=[targets.organisation.code])),
        ("collaboration", reverse("collaboration_detail", args=[code])),
        ("task list", reverse("task_list", args=[code, GUIDE])),
        ("step", reverse("step", args=[code, GUIDE, step.phase.slug, step.slug])),
        ("phase review", reverse("phase_review", args=[code, GUIDE, step.phase.slug])),
        ("agreement", reverse("agreement_detail", args=[code])),
        ("version diff", reverse("agreement_diff", args=[code]) + f"?fran={versions[-2]}&till={versions[-1]}"),
        ("activity log", reverse("activity_log", args=[code])),
        ("agreement PDF (cached)", reverse("agreement_version_pdf", args=[code, targets.adopted])),
    ]


def autosave_slots(targets: Targets, clients: list[PortalClient], count: int) -> list[Slot]:
    """Up to `count` writers over the writing collaborations, the signed-in people taking turns.

    Each loads its step page once and keeps typing in one box: the save contract lets a page save
    over its own earlier saves, so every request really saves. No two writers share an answer (that
    would be two people in one text: conflicts, not autosave), so there are at most as many writers
    as answers: one per collaboration, then a second box in each, and so on.
    """
    if not targets.writing:
        raise CommandError("No collaboration is open for writing to every writer (none ongoing and unarchived).")
    step = targets.step
    slots = []
    for i in range(count):
        collaboration = targets.writing[i % len(targets.writing)]
        client = clients[i % len(clients)]
        path = reverse("step", args=[collaboration.code, GUIDE, step.phase.slug, step.slug])
        page = client.get(path)
        if page.status != 200:
            raise CommandError(f"The step page {path} answered {page.status} before autosave.")
        fields = step_form_fields(page.text)
        boxes = [name for name, _ in fields if name.startswith("answer-")]
        if not boxes:
            raise CommandError(f"The step page {path} has no answer boxes.")
        box = i // len(targets.writing)
        if box >= len(boxes):
            break  # every answer of the step in every writing collaboration has its writer
        slots.append(
            Slot(
                path=path,
                cookie=client.cookie_header(),
                csrf=client.cookie("csrftoken"),
                fields=fields,
                box=boxes[box],
            )
        )
    return slots


def settle(base_url: str, connections: int, rounds: int = 2) -> None:
    """Wait until the requests wrk left behind are served, so that they do not slow the next run.

    wrk stops at the end of its time, but the requests still queued at gunicorn (up to one per
    connection) are served all the same. As many health checks at once queue behind them; when they
    have all come back, so have nearly all of those (twice, for a slow one still running).
    """

    def probe(_: int) -> None:
        with urllib.request.urlopen(base_url + HEALTH_PATH, timeout=300) as answer:
            answer.read()

    for _ in range(rounds):
        with ThreadPoolExecutor(max_workers=connections) as pool:
            list(pool.map(probe, range(connections)))


# --- The command ---------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Drive the busiest pages with wrk under gunicorn and production settings; compare each to a trivial view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
        parser.add_argument("--duration", type=int, default=5, help="seconds per page and per floor (default 5)")
        parser.add_argument("--warmup", type=int, default=1, help="untimed seconds before each page (default 1)")
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn sync workers")
        parser.add_argument("--writers", type=int, default=16, help="autosaving writers (step pages loaded)")
        parser.add_argument("--coordinator", default="samordnare@alla.skala.example.se")
        parser.add_argument("--colleague", default="handlaggare@alla.skala.example.se")
        parser.add_argument("--password", default="skala-losen-2026")
        parser.add_argument("--only", action="append", default=[], help="only pages whose name contains this")
        parser.add_argument("--json", dest="json_path", help="also write the results to this file")
        parser.add_argument("--wrk", default=WRK, help=f"the wrk program (default {WRK})")

    def handle(self, *args: Any, **options: Any) -> None:
        wrk = shutil.which(options["wrk"])
        if wrk is None:
            raise CommandError(WRK_MISSING)
        database_url = os.environ.get("DATABASE_URL", "")
        if connection.vendor != "postgresql" or not database_url:
            raise CommandError("Set DATABASE_URL to the PostgreSQL database to benchmark (e.g. after seed_scale).")
        users = []
        for email in (options["coordinator"], options["colleague"]):
            user = User.objects.filter(email=email).first()
            if user is None:
                raise CommandError(f"No account {email}: run `manage.py seed_scale` first, or pass --coordinator.")
            users.append(user)
        targets = choose_targets(coordinator=users[0], writers=users, slots=options["writers"])
        total = Collaboration.objects.visible_to(users[0]).count()
        self.stdout.write(
            f"{targets.organisation.name}: {total} collaborations; pages of «{targets.collaboration.title}»; "
            f"autosave in {len(targets.writing)} collaborations."
        )
        try:
            with running_portal(
                database_url=database_url, workers=options["workers"], extra_env={"PORTAL_BENCHMARK_FLOOR": "true"}
            ) as portal:
                self.stdout.write(f"gunicorn, {options['workers']} sync workers, at {portal.base_url}")
                results = self._drive(portal.base_url, wrk, targets, options)
        except ServingError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            raise CommandError("Interrupted; the server it started is stopped.") from None
        self._report(results, options)
        failed = [r.name for r in results if r.failed]
        if failed:
            raise CommandError(f"Failed requests or checks: {', '.join(failed)}")

    def _drive(self, base_url: str, wrk: str, targets: Targets, options: dict[str, Any]) -> list[PageResult]:
        clients = []
        for email in (options["coordinator"], options["colleague"]):
            client = PortalClient(base_url)
            client.sign_in(email, options["password"])
            clients.append(client)
        coordinator = clients[0]
        cookie = coordinator.cookie_header()
        pages = [Page(name, path, cookie=cookie) for name, path in page_paths(targets)]
        slots = autosave_slots(targets, clients, options["writers"])
        if len(slots) < options["writers"]:
            self.stdout.write(f"Autosave: {len(slots)} writers, one per answer there is to write.")
        pages.append(Page("autosave (POST)", slots[0].path, slots=slots, p95_target_ms=AUTOSAVE_P95_TARGET_MS))
        if options["only"]:
            pages = [p for p in pages if any(word in p.name for word in options["only"])]
        floor = Page("floor", FLOOR_PATH, cookie=cookie)
        problem = check_answer(floor, coordinator.get(FLOOR_PATH))
        if problem:
            raise CommandError(f"The floor view {FLOOR_PATH} {problem}.")

        results = []
        with tempfile.TemporaryDirectory(prefix="benchmark-load-") as folder:
            scripts = Path(folder)
            self._wrk(wrk, base_url, floor, scripts, options, seconds=max(2, options["warmup"]))  # warm every worker
            previous_floor = self._wrk(wrk, base_url, floor, scripts, options)
            for page in pages:
                result = PageResult(page.name, page.method, page.path, p95_target_ms=page.p95_target_ms)
                result.error = self._check(coordinator, page, result)
                if result.error:
                    self.stdout.write(self.style.ERROR(f"{page.name}: {result.error}; not timed"))
                    results.append(result)
                    continue
                if options["warmup"]:
                    self._wrk(wrk, base_url, page, scripts, options, seconds=options["warmup"])
                result.floor_before = previous_floor
                result.page = self._wrk(wrk, base_url, page, scripts, options)
                result.floor_after = previous_floor = self._wrk(wrk, base_url, floor, scripts, options)
                self.stdout.write(self._line(result))
                if result.page.first_failure:
                    self.stdout.write(self.style.WARNING(f"  first failed answer: {result.page.first_failure[:300]}"))
                results.append(result)
        return results

    def _check(self, client: PortalClient, page: Page, result: PageResult) -> str:
        """One request of the page, alone, before it is timed ('' when it answers as expected)."""
        if not page.slots:
            started = time.perf_counter()
            answer = client.get(page.path)
            result.alone_ms = round((time.perf_counter() - started) * 1000, 1)
            return check_answer(page, answer)
        for slot in page.slots:
            # Every writer once, as itself (its own cookie): each must really save before any is timed.
            answer = client.request(
                "POST", slot.path, data=slot.body("Lasttestets kontroll.").encode(), headers=slot.headers()
            )
            problem = check_answer(Page(page.name, slot.path, slots=[slot]), answer)
            if problem:
                return f"{slot.path}: {problem}"
        return ""

    def _wrk(
        self,
        wrk: str,
        base_url: str,
        page: Page,
        scripts: Path,
        options: dict[str, Any],
        *,
        seconds: int | None = None,
    ) -> Run:
        script = scripts / (re.sub(r"[^a-z0-9]+", "-", page.name.lower()).strip("-") + ".lua")
        script.write_text(lua_script(page, threads=options["threads"]))
        command = [
            wrk,
            f"--threads={options['threads']}",
            f"--connections={options['connections']}",
            f"--duration={seconds or options['duration']}s",
            # A slow answer must count as slow, not vanish as a timeout (wrk's default is 2 s).
            "--timeout=60s",
            f"--script={script}",
            base_url + page.path,
        ]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=(seconds or 60) + 120)
        if finished.returncode != 0:
            raise CommandError(f"wrk failed: {finished.stderr or finished.stdout}")
        settle(base_url, options["connections"])
        return parse_wrk_output(finished.stdout)

    def _line(self, r: PageResult) -> str:
        assert r.page is not None
        assert r.floor_before is not None
        assert r.floor_after is not None
        flags = r.flags()
        return (
            f"{r.name:24} {r.page.rps:7.1f} req/s  p50 {r.page.p50:6.1f}  p95 {r.page.p95:6.1f}  "
            f"p99 {r.page.p99:6.1f} ms  floor {r.floor_before.rps:6.1f}/{r.floor_after.rps:6.1f} req/s "
            f"(p95 {r.floor_before.p95:.0f}/{r.floor_after.p95:.0f} ms)  "
            f"ratio {r.ratio:5.2f}  alone {r.alone_ms:.0f} ms  {', '.join(flags) or 'ok'}"
        )

    def _report(self, results: list[PageResult], options: dict[str, Any]) -> None:
        self.stdout.write("")
        self.stdout.write(
            "| page | req/s | p50 | p95 | p99 | floor req/s before / after | floor p95 | ratio | alone | flags |"
        )
        self.stdout.write("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in results:
            if r.page is None or r.floor_before is None or r.floor_after is None:
                self.stdout.write(f"| {r.name} | – | – | – | – | – | – | – | – | ERROR: {r.error} |")
                continue
            alone = f"{r.alone_ms:.0f} ms" if r.alone_ms else "–"
            self.stdout.write(
                f"| {r.name} | {r.page.rps:.1f} | {r.latencies()} | "
                f"{r.floor_before.rps:.0f} / {r.floor_after.rps:.0f} | "
                f"{r.floor_before.p95:.0f} / {r.floor_after.p95:.0f} ms | {r.ratio:.2f} | {alone} | "
                f"{', '.join(r.flags()) or 'ok'} |"
            )
        if options["json_path"]:
            document = {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "settings": {
                    k: options[k] for k in ("connections", "threads", "duration", "warmup", "workers", "writers")
                },
                "targets": {
                    "min_ratio": MIN_RATIO,
                    "p95_ms": P95_TARGET_MS,
                    "autosave_p95_ms": AUTOSAVE_P95_TARGET_MS,
                },
                "pages": [
                    {
                        **asdict(r),
                        "floor_rps": round(r.floor_rps, 1),
                        "ratio": round(r.ratio, 3),
                        "flags": r.flags(),
                    }
                    for r in results
                ],
            }
            Path(options["json_path"]).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"Wrote {options['json_path']}")
