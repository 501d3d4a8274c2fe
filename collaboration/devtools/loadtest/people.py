"""Simulated people: what each does, and what the server acknowledged to them.

Every text a person types is unique to its writer (person, tab, keystroke), and grows by
appending, as typing does: so the checks can tell who wrote what an answer holds.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .browser import Browser, Lost, Response, Servers, Unreachable, autosave_results, find_form

PASSWORD = "samverkan-demo-2026"
ERROR_PAGE_TEXT = "Något gick fel"


@dataclass
class Event:
    at: float  # seconds since the run started
    kind: str  # page, autosave, approve, export, sign-in
    status: int  # 0: lost or unreachable
    port: int
    until: float = 0.0  # when the answer came (or did not)
    detail: str = ""
    error_page: bool = False  # a 5xx that is the portal's own Swedish error page


@dataclass
class Save:
    """One acknowledged save of a box: the server said it holds this text now, at this version."""

    at: float
    answer_key: tuple[str, str]  # collaboration code, question code
    writer: str
    text: str
    version: int


@dataclass
class Tab:
    """One loaded step page: its writer token and the base of the box this person types in."""

    path: str
    code: str
    form: list[tuple[str, str]]
    writer: str
    base: str
    text: str


@dataclass
class Record:
    """Everything one simulated person saw."""

    name: str
    email: str
    role: str
    events: list[Event] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    conflicts: list[tuple[float, str]] = field(default_factory=list)  # (when, writer token) a conflict was shown
    typed: list[tuple[tuple[str, str], str, str]] = field(default_factory=list)  # (answer, writer, text) posted
    writers: set[str] = field(default_factory=set)
    approvals: list[tuple[int, str]] = field(default_factory=list)  # (version number posted, outcome text)
    exports: list[str] = field(default_factory=list)  # export progress pages started


class Person(threading.Thread):
    def __init__(
        self,
        *,
        record: Record,
        servers: Servers,
        index: int,
        started: float,
        until: float,
        target: dict[str, Any],
    ) -> None:
        super().__init__(name=record.name, daemon=True)
        self.record = record
        self.browser = Browser(servers, index)
        self.started = started
        self.until = until
        self.target = target
        self.random = random.Random(index)
        self.keystroke = 0

    # What happened, as the person saw it.
    def now(self) -> float:
        return time.monotonic() - self.started

    def call(
        self, kind: str, method: str, path: str, data: list[tuple[str, str]] | None = None, **kw: Any
    ) -> Response | None:
        at = self.now()
        try:
            response = self.browser.request(method, path, data, **kw)
        except Lost as lost:
            self.record.events.append(Event(at, kind, 0, lost.port, self.now(), "lost"))
            return None
        except (Unreachable, OSError) as e:
            self.record.events.append(Event(at, kind, 0, 0, self.now(), f"unreachable: {e}"))
            return None
        self.record.events.append(
            Event(at, kind, response.status, response.port, self.now(), error_page=ERROR_PAGE_TEXT in response.body)
        )
        return response

    def run(self) -> None:
        try:
            # People arrive over the first seconds, not all in the same instant (see `ramp_up`).
            time.sleep(max(0.0, self.target["arrives_at"] - self.now()))
            while self.now() < self.until and not self.sign_in():
                time.sleep(0.5)
            role = self.record.role
            while self.now() < self.until:
                if role == "two-tabs":
                    self.two_tabs()
                elif role == "approver":
                    self.approve()
                elif role == "exporter":
                    self.export()
                else:
                    self.autosave_alone()
        except Exception as e:  # a bug in the simulation must show, not hide as a quiet thread
            self.record.events.append(Event(self.now(), "crash", -1, 0, self.now(), repr(e)))

    def sign_in(self) -> bool:
        response = self.call("sign-in", "GET", "/logga-in/")
        if response is None or response.status != 200:
            return False
        form = find_form(response.body, containing="password")
        data = [(k, v) for k, v in form.fields if k not in ("username", "password")]
        response = self.call(
            "sign-in", "POST", "/logga-in/", [*data, ("username", self.record.email), ("password", PASSWORD)]
        )
        return response is not None and response.status == 302

    def think(self, low: float = 0.3, high: float = 1.2) -> None:
        time.sleep(self.random.uniform(low, high))

    # Step pages.
    def open_step(self) -> Tab | None:
        path = self.target["step_path"]
        response = self.call("page", "GET", path)
        if response is None or response.status != 200:
            return None
        form = find_form(response.body, form_id="step-form")
        code = self.target["question"]
        tab = Tab(
            path=path,
            code=code,
            form=form.fields,
            writer=form.value("writer"),
            base=form.value(f"base-{code}"),
            text=form.value(f"answer-{code}"),
        )
        self.record.writers.add(tab.writer)
        return tab

    def type_and_autosave(self, tab: Tab, label: str) -> str:
        """Type a few unique words at the end of the box, then autosave as htmx does. Returns the outcome."""
        self.keystroke += 1
        text = f"{tab.text} {label}#{self.keystroke}".strip()
        key = (self.target["collaboration"], tab.code)
        self.record.typed.append((key, tab.writer, text))
        tab.text = text  # what the box shows now, saved or not
        data = [
            (k, text if k == f"answer-{tab.code}" else tab.base if k == f"base-{tab.code}" else v) for k, v in tab.form
        ]
        csrf = self.browser.cookies.get("csrftoken", "")
        data = [(k, csrf if k == "csrfmiddlewaretoken" and csrf else v) for k, v in data] + [("action", "autosave")]
        response = self.call(
            "autosave", "POST", tab.path, data, headers={"HX-Request": "true", "X-CSRFToken": csrf, "Referer": tab.path}
        )
        if response is None:
            return "lost"
        if response.status != 200:
            return f"status {response.status}"
        if "Du har loggats ut" in response.body:
            self.sign_in()
            return "signed-out"
        for result in autosave_results(response.body):
            if result["code"] != tab.code:
                continue
            outcome = str(result["outcome"])
            if outcome in ("saved", "unchanged"):
                # The base moves to a version whose text is exactly what this box posted (portal.js).
                tab.base = str(result["base"])
                self.record.saves.append(Save(self.now(), key, tab.writer, text, int(tab.base.split(":")[0])))
            elif outcome == "conflict":
                self.record.conflicts.append((self.now(), tab.writer))
            return outcome
        return "no result"

    def autosave_alone(self) -> None:
        tab = self.open_step()
        if tab is None:
            self.think()
            return
        label = self.record.name
        for _ in range(self.random.randint(3, 8)):
            if self.now() >= self.until:
                break
            self.type_and_autosave(tab, label)
            self.think()

    def two_tabs(self) -> None:
        """The same answer open twice: each tab its own writer. A tab shown a conflict is loaded again."""
        tabs = [self.open_step(), self.open_step()]
        for _ in range(self.random.randint(4, 10)):
            if self.now() >= self.until:
                break
            index = self.random.randrange(2)
            tab = tabs[index]
            if tab is None:
                tabs[index] = self.open_step()
                continue
            outcome = self.type_and_autosave(tab, f"{self.record.name}{'ab'[index]}")
            if outcome == "conflict":
                # The person reads the colleague's (their other tab's) text and types on from it.
                tabs[index] = self.open_step()
            self.think(0.2, 0.8)

    # The agreement.
    def approve(self) -> None:
        # The latest version as the agreement page would link it; it may be replaced while the person reads.
        path = self.target["version_path"] % self.target["review"]["latest"]
        response = self.call("page", "GET", path)
        if response is None or response.status != 200:
            self.think()
            return
        try:
            form = find_form(response.body, action="godkann/")
        except LookupError:
            self.think()
            return
        data = list(form.fields)
        if not any(k == "organisation" for k, _ in data):
            data += [next((c for c in form.choices if c[0] == "organisation"), ("organisation", ""))]
        number = int(path.rstrip("/").rsplit("/", 1)[-1])
        self.think(0.5, 2)  # reading before approving
        response = self.call("approve", "POST", form.action, data, headers={"Referer": path})
        if response is not None and response.status == 302:
            page = self.call("page", "GET", response.location)
            said = ""
            if page is not None:
                for phrase in ("har godkänt version", "har redan godkänt", "kan inte godkännas", "fastställd"):
                    if phrase in page.body:
                        said = phrase
                        break
            self.record.approvals.append((number, said))
        self.think(0.5, 1.5)

    # Exports: the batch export task gives the workers something to do.
    def export(self) -> None:
        path = self.target["export_path"]
        response = self.call("page", "GET", path)
        if response is None or response.status != 200:
            self.think()
            return
        form = find_form(response.body, containing="collaborations")
        data = list(form.fields) + [c for c in form.choices if c[0] == "collaborations"]
        response = self.call("export", "POST", path, data, headers={"Referer": path})
        if response is not None and response.status == 302:
            self.record.exports.append(response.location)
            self.call("page", "GET", response.location)
        self.think(2, 5)
