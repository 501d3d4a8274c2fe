"""One load-and-fault run: data, processes, people, faults, then the checks. Used by `loadtest_faults`.

Long because: the run is one script read from top to bottom (set up, load, inject each fault, check);
the people and the processes it drives are in `people.py`, `processes.py` and `browser.py`.
"""

from __future__ import annotations

import email
import email.policy
import http.client
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from . import processes
from .browser import Browser, Servers, find_form
from .people import PASSWORD, Person, Record


@dataclass
class Window:
    start: float
    end: float

    def holds(self, at: float, until: float | None = None) -> bool:
        """Whether a request that ran from `at` to `until` overlaps the window."""
        return at <= self.end and (until if until is not None else at) >= self.start


@dataclass
class Faults:
    app_kill: Window | None = None
    db_cut: Window | None = None
    db_back: float = 0.0  # when new connections were allowed again
    worker_kill_task: str = ""  # the task that was running on the killed worker
    notes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- data


KOMMUN = ("Lasttestkommunen", "212000-1355")
FORENING = ("Lasttestföreningen", "802002-8711")
COORDINATOR = "samordnare@kommun.loadtest.example.se"
BOARD = "styrelse@forening.loadtest.example.se"
FORENING_COORDINATOR = "samordnare@forening.loadtest.example.se"
THROTTLED = "throttled@loadtest.example.se"
ADOPTED_AGREEMENTS = 2
REVIEWED = "Avsiktsförklaring för granskning"


def make_data(people: int) -> tuple[list[Record], list[dict[str, Any]]]:
    """Two organisations, their people, one collaboration per simulated person, and agreements.

    Agreements go through the workflows (`collaboration.agreement`) so that versions and hashes are
    real: `ADOPTED_AGREEMENTS` adopted ones for the batch export, and one under review to approve.
    Notifications they queue are tasks for the workers, like any other.
    """
    from collaboration.agreement import approval, drafting, versions
    from collaboration.cowriting.contract import Base, Edit, text_digest
    from collaboration.models import (
        Collaboration,
        Membership,
        Organisation,
        OrganisationKind,
        Party,
        PartyState,
        Question,
        Role,
        Sector,
        Step,
    )
    from portal.models import User

    password = make_password(PASSWORD)
    with transaction.atomic():
        kommun = Organisation.objects.create(
            name=KOMMUN[0], organisation_number=KOMMUN[1], sector=Sector.PUBLIC, kind=OrganisationKind.KOMMUN
        )
        forening = Organisation.objects.create(
            name=FORENING[0], organisation_number=FORENING[1], sector=Sector.CIVIL, kind=OrganisationKind.FORENING
        )
        staff = {}
        for email, organisation, role in (
            (COORDINATOR, kommun, Role.COORDINATOR),
            (BOARD, forening, Role.BOARD_MEMBER),
            (FORENING_COORDINATOR, forening, Role.COORDINATOR),
        ):
            staff[email] = User.objects.create(email=email, full_name=email.split("@")[0].title(), password=password)
            Membership.objects.create(user=staff[email], organisation=organisation, role=role)
        User.objects.create(email=THROTTLED, full_name="Snart Spärrad", password=password)

        def agreement_for(title: str, adopt: bool) -> tuple[Collaboration, int]:
            collaboration = Collaboration.objects.create(title=title, created_by=staff[COORDINATOR])
            for organisation in (kommun, forening):
                Party.objects.create(collaboration=collaboration, organisation=organisation, state=PartyState.ACCEPTED)
            agreement = drafting.agreement_start(
                collaboration=collaboration, user=staff[COORDINATOR], organisation=kommun, from_process=False
            )
            section = drafting.text_sections()[0]
            drafting.agreement_save(
                agreement=agreement,
                edits=[Edit(slot=section, text=f"Bakgrunden till {title}.", base=Base(0, text_digest("")))],
                writer="lasttest-data",
                user=staff[COORDINATOR],
                organisation=kommun,
            )
            _, version = versions.agreement_send(agreement=agreement, user=staff[COORDINATOR], organisation=kommun)
            assert version is not None
            if adopt:
                approval.agreement_approve(version=version, user=staff[COORDINATOR], organisation=kommun)
                approval.agreement_approve(version=version, user=staff[BOARD], organisation=forening)
            return collaboration, version.number

        for n in range(ADOPTED_AGREEMENTS):
            agreement_for(f"Fastställd avsiktsförklaring {n + 1}", adopt=True)
        review, number = agreement_for(REVIEWED, adopt=False)
    shared_review = {"latest": number}

    step = Step.objects.filter(phase__guide__slug="samverkansmodellen").order_by("phase__order", "order").first()
    assert step is not None
    question = Question.objects.filter(group__step=step).order_by("group__order", "order").first()
    assert question is not None
    records: list[Record] = []
    targets: list[dict[str, Any]] = []
    kinds = ["two-tabs", "approver", "exporter"] + ["autosave"] * 7
    with transaction.atomic():
        for i in range(people):
            kind = kinds[i % len(kinds)]
            name = f"p{i:03d}"
            if kind == "approver":
                email = [BOARD, FORENING_COORDINATOR][(i // 10) % 2]
            elif kind == "exporter":
                email = [COORDINATOR, FORENING_COORDINATOR][(i // 10) % 2]
            else:
                email = f"{name}@loadtest.example.se"
                user = User.objects.create(email=email, full_name=f"Person {name}", password=password)
                Membership.objects.create(user=user, organisation=kommun, role=Role.OFFICER)
            collaboration = Collaboration.objects.create(title=f"Lasttest {name}")
            Party.objects.create(collaboration=collaboration, organisation=kommun, state=PartyState.ACCEPTED)
            records.append(Record(name=name, email=email, role=kind))
            targets.append(
                {
                    "collaboration": str(collaboration.code),
                    "question": question.code,
                    "step_path": reverse(
                        "step", args=[collaboration.code, "samverkansmodellen", step.phase.slug, step.slug]
                    ),
                    "version_path": reverse("agreement_version", args=[review.code, 99999]).replace("99999", "%d"),
                    "review": shared_review,
                    "export_path": reverse(
                        "agreement_export_create", args=[(forening if email == FORENING_COORDINATOR else kommun).code]
                    ),
                }
            )
    return records, targets


# ---------------------------------------------------------------- probes


def probe_health(port: int, host: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/halsa/", headers={"Host": host})
        response = conn.getresponse()
        body = response.read().decode()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, {"body": body[:200]}
    finally:
        conn.close()


def check_health(ports: list[int], expect: int, faults: Faults, when: str) -> None:
    for port in ports:
        for host in (f"127.0.0.1:{port}", "unlisted.example.org"):
            try:
                status, body = probe_health(port, host)
            except OSError as e:
                faults.violations.append(f"health {when}: port {port} Host {host}: {e}")
                continue
            faults.notes.append(f"health {when}: port {port} Host {host}: {status} {body}")
            if status != expect:
                faults.violations.append(f"health {when}: port {port} Host {host} answered {status}, not {expect}")


def check_throttling(ports: list[int], faults: Faults) -> None:
    """Five failed sign-ins spread over both servers lock the account on both (django-axes in the database)."""
    email = THROTTLED
    for attempt in range(5):
        browser = Browser(Servers([ports[attempt % 2]]), 0)
        page = browser.get("/logga-in/")
        form = find_form(page.body, containing="password")
        data = [(k, v) for k, v in form.fields if k not in ("username", "password")]
        browser.post("/logga-in/", [*data, ("username", email), ("password", "fel-lösenord-123")])
    for port in ports:
        browser = Browser(Servers([port]), 0)
        response = browser.sign_in(email, PASSWORD)
        locked = response.status == 429 and "För många misslyckade inloggningar" in response.body
        faults.notes.append(f"throttling: right password on port {port} after 5 failures over both: {response.status}")
        if not locked:
            faults.violations.append(f"throttling: the account was not locked on port {port} ({response.status})")


# Each app server runs 2 processes of 4 threads, each thread with its own connection that the cut killed.
REQUESTS_AFTER_CUT = 6


def check_recovered(ports: list[int], records: list[Record], faults: Faults) -> None:
    """After the cut every app server serves signed-in pages again by itself: no restart, no operator.

    Several requests per server, so that most of its processes and threads are asked, each with a
    connection that the cut killed (CONN_HEALTH_CHECKS finds it broken and opens a new one).
    """
    person = next(r for r in records if r.role == "autosave")
    signed_in = Browser(Servers(ports), 0)
    signed_in.sign_in(person.email, PASSWORD)

    def ask(port: int) -> None:
        browser = Browser(Servers([port]), 0)
        browser.cookies = dict(signed_in.cookies)  # sessions live in the database: one sign-in serves both
        answers = [browser.get("/").status for _ in range(REQUESTS_AFTER_CUT)]
        faults.notes.append(f"after the database cut, port {port} served signed-in pages: {dict(Counter(answers))}")
        if any(status != 200 for status in answers):
            faults.violations.append(f"port {port} did not recover by itself after the cut: {answers}")

    askers = [threading.Thread(target=ask, args=(port,)) for port in ports]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()


def revise_agreement(target: dict[str, Any], stop: threading.Event, every: float, faults: Faults) -> None:
    """The kommun edits the agreement under review and sends it again now and then: approvals race new versions."""
    from collaboration.agreement import drafting, versions
    from collaboration.cowriting.contract import Edit
    from collaboration.models import Collaboration, Organisation
    from portal.models import User

    user = User.objects.get(email=COORDINATOR)
    kommun = Organisation.objects.get(organisation_number=KOMMUN[1])
    section = drafting.text_sections()[0]
    sent = 0
    while not stop.wait(every):
        try:
            agreement = Collaboration.objects.get(title=REVIEWED).agreement
            current = drafting.section_texts(agreement)[section.pk]
            drafting.agreement_save(
                agreement=agreement,
                edits=[Edit(slot=section, text=f"{current.text}\nÄndring {sent + 1}.", base=current.base)],
                writer="lasttest-revision",
                user=user,
                organisation=kommun,
            )
            _, version = versions.agreement_send(agreement=agreement, user=user, organisation=kommun)
            if version is not None:
                target["latest"] = version.number
                sent += 1
        except Exception as e:  # the database may be cut right now: try again next time
            faults.notes.append(f"the agreement could not be revised at one moment: {type(e).__name__}")
        finally:
            close_old_connections()
    faults.notes.append(f"the agreement under review was revised and sent again {sent} times during the run")
    connection.close()


# ---------------------------------------------------------------- faults


def kill_worker_mid_task(
    workers: list[processes.Process],
    setup: processes.Setup,
    trigger: Callable[[], None],
    faults: Faults,
    deadline: float,
) -> None:
    """Start an export that must render its PDFs, and SIGKILL the worker the moment it runs the task."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    while time.monotonic() < deadline:
        shutil.rmtree(setup.media_root / "pdf", ignore_errors=True)  # so the archive copies are rendered anew
        trigger()
        seen_until = time.monotonic() + 10
        while time.monotonic() < seen_until:
            task = (
                DBTaskResult.objects.filter(
                    status=TaskResultStatus.RUNNING, task_path__endswith="build_agreement_export"
                )
                .order_by("-enqueued_at")
                .first()
            )
            if task is not None and task.worker_ids:
                owner = task.worker_ids[-1]
                victim = next((w for w in workers if owner.startswith(w.name + "-") and w.alive()), None)
                if victim is not None:
                    victim.kill()
                    faults.worker_kill_task = str(task.id)
                    faults.notes.append(
                        f"killed task worker {victim.name} (pid {victim.pid}) while it ran task {task.id}"
                    )
                    return
            time.sleep(0.02)
    faults.violations.append("could not catch a worker running an export task to kill it")


# ---------------------------------------------------------------- the run


@dataclass
class Outcome:
    records: list[Record]
    faults: Faults
    started: float
    lines: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def run(*, setup: processes.Setup, people: int, seconds: float, out: Callable[[str], None]) -> Outcome:
    began = time.monotonic()
    faults = Faults()
    # The processes start while the data is made: they take a few seconds to boot.
    servers = [processes.start_app_server(setup, "app-a"), processes.start_app_server(setup, "app-b")]
    workers = [processes.start_task_worker(setup, "worker-1"), processes.start_task_worker(setup, "worker-2")]
    everything = servers + workers
    try:
        records, targets = make_data(people)
        out(f"data made in {time.monotonic() - began:.1f} s")
        for server in servers:
            processes.wait_until_serving(server)
        ports = [s.port for s in servers if s.port is not None]
        out(
            f"app servers on ports {ports}, task workers pids {[w.pid for w in workers]}, up in {time.monotonic() - began:.1f} s"
        )
        check_health(ports, 200, faults, "at start")
        check_throttling(ports, faults)

        shared = Servers(ports)
        # Arrivals spread over the first seconds: fifty sign-ins in the same instant would queue behind
        # fifty password hashes (about half a second of CPU each), which no office of people ever does.
        ramp_up = min(10.0, seconds * 0.15)
        for i, target in enumerate(targets):
            target["arrives_at"] = ramp_up * i / len(targets)
        started = time.monotonic()
        crowd = [
            # Nobody leaves before the last fault: `until` is set once the app server is killed.
            Person(record=r, servers=shared, index=i, started=started, until=float("inf"), target=t)
            for i, (r, t) in enumerate(zip(records, targets, strict=True))
        ]
        for person in crowd:
            person.start()
        stop_revising = threading.Event()
        reviser = threading.Thread(
            target=revise_agreement, args=(targets[0]["review"], stop_revising, max(4.0, seconds / 6), faults)
        )
        reviser.start()

        exporter = next((i for i, r in enumerate(records) if r.role == "exporter"), None)

        def trigger_export() -> None:
            if exporter is None:
                return
            browser = Browser(shared, 0)
            browser.sign_in(records[exporter].email, PASSWORD)
            path = targets[exporter]["export_path"]
            page = browser.get(path)
            form = find_form(page.body, containing="collaborations")
            data = list(form.fields) + [c for c in form.choices if c[0] == "collaborations"]
            browser.post(path, data)

        def at(fraction: float) -> None:
            time.sleep(max(0.0, started + seconds * fraction - time.monotonic()))

        # Fault 1: a task worker dies mid-task.
        at(0.1)
        kill_worker_mid_task(workers, setup, trigger_export, faults, started + seconds * 0.3)
        # Fault 2: the database goes away for a moment: every app connection cut, new ones refused.
        at(0.35)
        cut_start = time.monotonic() - started
        processes.allow_connections(setup, False)
        cut = processes.terminate_connections(setup.database, processes.APP_CONNECTION_NAME)
        time.sleep(1)
        check_health(ports, 503, faults, "while the database is cut")
        time.sleep(max(0.5, seconds * 0.05))
        processes.allow_connections(setup, True)
        cut_end = time.monotonic() - started
        faults.db_cut = Window(cut_start, cut_end + 2.0)
        faults.db_back = cut_end  # requests already waiting may still fail just after
        faults.notes.append(f"cut {cut} app connections and refused new ones for {cut_end - cut_start:.1f} s")
        time.sleep(1)
        check_health(ports, 200, faults, "after the database came back")
        check_recovered(ports, records, faults)
        # Fault 3: an app server dies (SIGKILL, whole process group); people move to the other one.
        at(0.75)
        # Leave the people time on both servers after the cut, however late it ended.
        time.sleep(max(0.0, started + faults.db_back + max(3.0, seconds * 0.15) - time.monotonic()))
        kill_at = time.monotonic() - started
        servers[1].kill()
        faults.app_kill = Window(kill_at, kill_at + 1.0)
        faults.notes.append(f"killed app server {servers[1].name} (port {servers[1].port}) at {kill_at:.1f} s")
        # However late the faults came, people go on a while on the surviving server.
        for person in crowd:
            person.until = max(seconds, kill_at + max(3.0, seconds * 0.1))
        for person in crowd:
            person.join(timeout=seconds + 60)
        stop_revising.set()
        reviser.join()
        seconds = max(p.until for p in crowd)
        check_health([servers[0].port or 0], 200, faults, "after the run, on the surviving server")
        drained = wait_for_queue(60)
        if not drained:
            faults.violations.append("the task queue did not drain within 60 s")
        out(f"people done and queue drained {time.monotonic() - started:.1f} s after the start")
        outcome = Outcome(records=records, faults=faults, started=started)
        verify(outcome, setup, seconds)
        return outcome
    finally:
        for process in everything:
            process.stop()


def wait_for_queue(timeout: float) -> bool:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if not DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists():
            return True
        time.sleep(0.5)
    return False


# ---------------------------------------------------------------- the checks


def verify(outcome: Outcome, setup: processes.Setup, seconds: float) -> None:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from collaboration.models import AgreementExport, AgreementVersion, Answer, AnswerRevision, Approval, ExportStatus
    from portal.models import Notification

    connection.close()  # a fresh connection: the one before the cut may be gone
    lines, violations, faults = outcome.lines, outcome.violations, outcome.faults
    violations.extend(faults.violations)
    events = [e for r in outcome.records for e in r.events]
    crashes = [f"{r.name}: {e.detail}" for r in outcome.records for e in r.events if e.kind == "crash"]
    violations.extend(f"simulation crashed: {c}" for c in crashes)
    statuses = Counter(e.status for e in events)

    def in_cut(at: float, until: float) -> bool:
        return faults.db_cut is not None and faults.db_cut.holds(at, until)

    def in_kill(at: float, until: float) -> bool:
        return faults.app_kill is not None and faults.app_kill.holds(at, until)

    for e in events:
        if e.status >= 500:
            if not in_cut(e.at, e.until):
                violations.append(f"{e.status} on {e.kind} at {e.at:.1f}–{e.until:.1f} s, outside the database cut")
            elif not e.error_page:
                violations.append(f"{e.status} on {e.kind} at {e.at:.1f} s is not the portal's Swedish error page")
        elif e.status == 0 and not (in_kill(e.at, e.until) or (e.detail == "lost" and in_cut(e.at, e.until))):
            violations.append(f"no answer to {e.kind} at {e.at:.1f} s ({e.detail}), outside the server kill")
        elif e.status in (400, 403, 404):
            violations.append(f"{e.status} on {e.kind} at {e.at:.1f} s")
    lines.append(
        f"requests: {len(events)} in {seconds:.0f} s ({len(events) / seconds:.1f}/s); statuses: "
        + ", ".join(f"{k or 'no answer'}: {v}" for k, v in sorted(statuses.items()))
    )
    # Recovery: after the cut, each server answers again by itself, before the kill.
    if faults.db_cut is not None:
        for port in sorted({e.port for e in events if e.port}):
            recovered = [
                e
                for e in events
                if e.port == port
                and e.status in (200, 302)
                and e.at > faults.db_back + 0.5
                and (faults.app_kill is None or e.until < faults.app_kill.start)
            ]
            lines.append(
                f"after the database cut, port {port} answered the people {len(recovered)} times before the kill"
            )
    # The server kill: from then on the survivor answers everyone, and the dead one nobody.
    if faults.app_kill is not None:
        after = [e for e in events if e.at > faults.app_kill.end and e.status > 0]
        ports_after = Counter(e.port for e in after)
        lines.append(f"after the server kill: {len(after)} requests answered, by port {dict(ports_after)}")
        if len(ports_after) != 1:
            violations.append(
                f"after the server kill the answers came from {dict(ports_after)}, not the survivor alone"
            )
    autosaves = sorted(e.until - e.at for e in events if e.kind == "autosave" and e.status == 200)
    if autosaves:
        lines.append(
            f"autosave answered in median {autosaves[len(autosaves) // 2] * 1000:.0f} ms, "
            f"p95 {autosaves[int(len(autosaves) * 0.95) - 1 if len(autosaves) > 1 else 0] * 1000:.0f} ms"
        )
    errors_5xx = sum(v for k, v in statuses.items() if k >= 500)
    lines.append(f"5xx: {errors_5xx} (all inside the database cut, each the Swedish error page, unless listed below)")
    lines.append(f"lost or unreachable: {statuses.get(0, 0)} (at the server kill or the cut)")

    # Writes: every acknowledged save is stored, or was built on by a later save, or its writer saw a conflict.
    saves = [s for r in outcome.records for s in r.saves]
    conflicts = [(at, w) for r in outcome.records for at, w in r.conflicts]
    typed: dict[tuple[str, str], set[str]] = {}
    writers_of: dict[tuple[str, str], dict[str, str]] = {}
    for r in outcome.records:
        for key, writer, text in r.typed:
            typed.setdefault(key, set()).add(text)
            writers_of.setdefault(key, {})[writer] = r.email
    answers = {
        (str(a.collaboration.code), a.question.code): a
        for a in Answer.objects.filter(collaboration__title__startswith="Lasttest ").select_related(
            "collaboration", "question"
        )
    }
    lost_writes = 0
    for save in saves:
        answer = answers.get(save.answer_key)
        if answer is None:
            violations.append(f"acknowledged save of {save.answer_key} missing from the database")
            lost_writes += 1
            continue
        if answer.text.startswith(save.text):
            continue
        if any(w == save.writer and at > save.at for at, w in conflicts):
            continue
        lost_writes += 1
        violations.append(f"acknowledged save by {save.writer} ({save.text[-30:]!r}) is not in the stored answer")
    foreign = 0
    for key, answer in answers.items():
        if answer.text and answer.text not in typed.get(key, set()):
            foreign += 1
            violations.append(f"answer {key} holds text nobody typed: {answer.text[-40:]!r}")
        revisions = list(AnswerRevision.objects.filter(answer=answer).order_by("number"))
        versions = [r.version for r in revisions]
        if versions != sorted(versions) or len(set(versions)) != len(versions):
            violations.append(f"answer {key}: revision versions out of order {versions}")
        if revisions and (revisions[-1].version != answer.version or revisions[-1].text != answer.text):
            violations.append(f"answer {key}: the latest revision is not the stored text")
        known = writers_of.get(key, {})
        for revision in revisions:
            if revision.text not in typed.get(key, set()):
                violations.append(f"answer {key}: revision {revision.number} holds text nobody typed")
            elif revision.writer not in known or known[revision.writer] != revision.author.email:  # type: ignore[union-attr]
                violations.append(f"answer {key}: revision {revision.number} names a writer that did not write it")
    lines.append(
        f"writes: {len(saves)} acknowledged saves in {len(answers)} answers; {len(conflicts)} conflicts shown; "
        f"{lost_writes} lost; {foreign} answers with text nobody typed"
    )

    # Approvals: bound to the version they named, once per party and version.
    posted = Counter(n for r in outcome.records for n, _ in r.approvals)
    approvals = list(Approval.objects.select_related("version", "organisation"))
    for approval in approvals:
        if approval.version_sha256 != approval.version.sha256:
            violations.append(f"approval {approval.code} names a hash that is not its version's")
    confirmed = {
        n for r in outcome.records for n, said in r.approvals if said in ("har godkänt version", "har redan godkänt")
    }
    for number in confirmed:
        if not any(a.version.number == number and a.organisation.organisation_number == FORENING[1] for a in approvals):
            violations.append(f"an approval of version {number} was confirmed to a person but is not stored")
    review_versions = {v.number: v for v in AgreementVersion.objects.filter(agreement__collaboration__title=REVIEWED)}
    for approval in approvals:
        later = review_versions.get(approval.version.number + 1)
        if approval.version.number in review_versions and later is not None and approval.created_at > later.created_at:
            violations.append(
                f"approval of version {approval.version.number} stored after version {later.number} was sent"
            )
    pairs = Counter((a.version_id, a.organisation_id) for a in approvals)
    violations.extend(f"two approvals of one version by one party: {p}" for p, n in pairs.items() if n > 1)
    lines.append(
        f"approvals: {sum(posted.values())} posted (to versions {sorted(posted)} of {len(review_versions)}), {len(approvals)} stored"
        f" (with the data's own), each bound to its version's hash; told: {dict(Counter(said for r in outcome.records for _, said in r.approvals))}"
    )

    # Tasks: every queued task ran exactly once (or, after its worker was killed, once more on another).
    tasks = list(DBTaskResult.objects.all())
    by_status = Counter(t.status for t in tasks)
    for task in tasks:
        if task.status != TaskResultStatus.SUCCESSFUL:
            violations.append(f"task {task.id} ({task.task_path}) ended {task.status}")
        if len(task.worker_ids) > 1 and str(task.id) != faults.worker_kill_task:
            violations.append(f"task {task.id} ran on {len(task.worker_ids)} workers without a worker being killed")
    if faults.worker_kill_task:
        rerun = next((t for t in tasks if str(t.id) == faults.worker_kill_task), None)
        if rerun is None or rerun.status != TaskResultStatus.SUCCESSFUL or len(rerun.worker_ids) != 2:
            violations.append(
                f"the task of the killed worker did not complete on the other: {rerun and rerun.worker_ids}"
            )
    mails = read_mails(setup.mail_folder)
    exports = list(AgreementExport.objects.all())
    for export in exports:
        mentioning = sum(1 for m in mails if str(export.code) in m)
        if export.status != ExportStatus.READY:
            violations.append(f"export {export.code} ended {export.status}")
        if mentioning != 1:
            violations.append(f"export {export.code}: {mentioning} ready mails, not 1")
    notifications = list(Notification.objects.filter(delivery="direkt"))
    unsent = [n for n in notifications if n.sent_at is None or n.attempts != 1]
    violations.extend(f"notification {n.pk}: sent_at {n.sent_at}, {n.attempts} attempts" for n in unsent)
    lines.append(
        f"tasks: {len(tasks)} ({', '.join(f'{k}: {v}' for k, v in by_status.items())}); exports {len(exports)}, "
        f"notifications {len(notifications)}, mails written {len(mails)}; "
        f"requeued after the worker kill: {1 if faults.worker_kill_task else 0}"
    )
    lines.extend(faults.notes)


def read_mails(folder: Path) -> list[str]:
    """Each message's decoded text parts; the file backend writes each followed by a line of 79 dashes."""
    messages: list[str] = []
    for path in sorted(folder.glob("*")):
        for raw in path.read_bytes().split(b"-" * 79 + b"\n"):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw.strip() + b"\n", policy=email.policy.default)
            texts = [
                str(part.get_content())
                for part in message.walk()
                if part.get_content_maintype() == "text"  # type: ignore[attr-defined]
            ]
            messages.append(str(message["subject"]) + "\n" + "\n".join(texts))
    return messages
