"""A small browser for simulated people: cookies, forms read from the real page, two servers to choose from.

Standard library only (http.client, html.parser): the run needs nothing that production does
not install. Like a load balancer, a request that cannot reach its server (refused, reset)
goes to the other one; a request the server accepted but never answered is reported as lost,
never sent again by the browser (the person retries by typing on, as with autosave).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit


class Servers:
    """The app servers' ports; a server found dead is skipped by everyone from then on."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = list(ports)
        self.dead: set[int] = set()
        self.lock = threading.Lock()

    def live(self, preferred: int) -> list[int]:
        with self.lock:
            ordered = self.ports[preferred % len(self.ports) :] + self.ports[: preferred % len(self.ports)]
            return [p for p in ordered if p not in self.dead] + [p for p in ordered if p in self.dead]

    def mark_dead(self, port: int) -> None:
        with self.lock:
            self.dead.add(port)


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str]
    port: int

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Unreachable(Exception):
    """No server accepted the connection."""


class Lost(Exception):
    """The server accepted the request but the answer never came (it died while working on it)."""

    def __init__(self, port: int) -> None:
        super().__init__(f"no answer from port {port}")
        self.port = port


class Browser:
    def __init__(self, servers: Servers, preferred: int, *, timeout: float = 120) -> None:
        self.servers = servers
        self.preferred = preferred
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        body = urlencode(data or []).encode() if method == "POST" else None
        last: Exception | None = None
        for port in self.servers.live(self.preferred):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
            sent = False
            try:
                conn.connect()
                all_headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
                if self.cookies:
                    all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                if body is not None:
                    all_headers["Content-Type"] = "application/x-www-form-urlencoded"
                conn.request(method, path, body=body, headers=all_headers)
                sent = True
                raw = conn.getresponse()
                text = raw.read().decode("utf-8", "replace")
                for name, value in raw.getheaders():
                    if name.lower() == "set-cookie":
                        cookie = value.split(";", 1)[0]
                        key, _, val = cookie.partition("=")
                        if val and "max-age=0" not in value.lower():
                            self.cookies[key.strip()] = val.strip()
                        else:
                            self.cookies.pop(key.strip(), None)
                return Response(raw.status, text, {k.lower(): v for k, v in raw.getheaders()}, port)
            except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, http.client.HTTPException) as e:
                # HTTPException: RemoteDisconnected, or IncompleteRead when the server dies mid-answer.
                last = e
                if sent:
                    self.servers.mark_dead(port)
                    raise Lost(port) from e
                self.servers.mark_dead(port)
                continue
            finally:
                conn.close()
        raise Unreachable(str(last))

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: list[tuple[str, str]], **kwargs: Any) -> Response:
        return self.request("POST", path, data, **kwargs)

    def follow(self, response: Response) -> Response:
        while response.status in (301, 302, 303) and response.location:
            response = self.get(urlsplit(response.location).path + _query(response.location))
        return response

    def sign_in(self, email: str, password: str) -> Response:
        page = self.get("/logga-in/")
        form = find_form(page.body, action=None, containing="password")
        fields = [(k, v) for k, v in form.fields if k not in ("username", "password")]
        return self.post("/logga-in/", [*fields, ("username", email), ("password", password)])


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


@dataclass
class Form:
    action: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str]]
    # Checkboxes and radio buttons not ticked on the page: what a person could tick.
    choices: list[tuple[str, str]]

    def value(self, name: str) -> str:
        return next((v for k, v in self.fields if k == name), "")

    def with_values(self, **values: str) -> list[tuple[str, str]]:
        """The fields as the browser sends them, with some replaced (names with - written as __)."""
        replaced = {k.replace("__", "-"): v for k, v in values.items()}
        return [(k, replaced.get(k, v)) for k, v in self.fields]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs, [], [], [])
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields.append((name, attrs.get("value", "on")))
                else:
                    self._form.choices.append((name, attrs.get("value", "on")))
            elif kind == "submit":
                self._form.buttons.append((name, attrs.get("value", "")))
            else:
                self._form.fields.append((name, attrs.get("value", "")))
        elif tag == "button" and name:
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self._form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea[1])
            # The HTML parser keeps the newline that browsers drop right after <textarea>.
            self._form.fields.append((self._textarea[0], text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "form":
            self._form = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, *, action: str | None = None, form_id: str | None = None, containing: str = "") -> Form:
    for form in forms(html):
        if form_id is not None and form.attrs.get("id") != form_id:
            continue
        if action is not None and not form.action.endswith(action):
            continue
        if containing and not any(k == containing for k, _ in form.fields + form.choices):
            continue
        return form
    raise LookupError(f"no form (id={form_id}, action={action}, with {containing}) on the page")


AUTOSAVE_DATA = re.compile(r'<script id="autosave-data" type="application/json">(.*?)</script>', re.S)


def autosave_results(html: str) -> list[dict[str, Any]]:
    match = AUTOSAVE_DATA.search(html)
    return list(json.loads(match.group(1)).get("results", [])) if match else []
