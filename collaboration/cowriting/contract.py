"""The save contract for text written together: one rule, the same on every page.

Two people may edit the same box at the same time: an answer in the guided process, a section of the
agreement, a collaboration's title, an organisation's facts. Every save states what the writer's page
was built from (a `Base`: the stored version and a digest of the text it showed), and `decide` says, box
by box, whether the writer's text is stored, left alone or reported as a conflict. A colleague's newer text
is never overwritten unseen, and a box the writer did not touch never conflicts.

- Versioned shared texts (`texts.SharedText`) save a page's `Edit`s with `SharedText.save_edits`, which
  answers with a `SaveReport`.
- Plain model fields (no version, no history) save with `save_fields`: the page carries each field's
  digest as loaded (`fields_state`), and a field a colleague changed since is kept and reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import models


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Outcome(StrEnum):
    """What one save did to one text box."""

    SAVED = "saved"  # the writer's text is stored now
    UNCHANGED = "unchanged"  # the stored text already is the writer's text
    UNTOUCHED = "untouched"  # the writer left the box as loaded, and nobody has saved it since
    STALE = "stale"  # the writer left the box as loaded, but a colleague has saved newer text since
    CONFLICT = "conflict"  # the writer changed the box, and someone else saved it since: nothing stored


@dataclass(frozen=True)
class Base:
    """What the writer's form was built from: the text's version and a digest of it.

    The digest lets a save tell "the writer left this field alone" from "the
    writer changed it", so an untouched field never conflicts with a colleague's edit.
    """

    version: int
    digest: str

    @classmethod
    def parse(cls, raw: str) -> Base | None:
        version, _, digest = (raw or "").partition(":")
        if not version.isdigit() or not digest:
            return None
        return cls(int(version), digest)

    def __str__(self) -> str:
        return f"{self.version}:{self.digest}"


# The base of a box whose posted base could not be read: it matches no stored
# version and no text, so a changed box conflicts rather than overwrites.
UNKNOWN_BASE = Base(0, "-")
EMPTY_BASE = Base(0, text_digest(""))


@dataclass(frozen=True)
class Edit:
    """One box as an editing page posted it. `slot` is what the box is for: a question or a section."""

    slot: Any
    text: str
    base: Base | None
    # The stored version the writer was shown in the conflict view and chose to write over.
    seen: Base | None = None


@dataclass(frozen=True)
class FieldResult:
    outcome: Outcome
    # What is stored now (for CONFLICT and STALE: the colleague's version); None if nothing ever was.
    answer: Any
    # The base the writer's box stands on after the save. It moves only to a version whose
    # text is exactly what the writer posted.
    base: Base


def decide(
    *, stored_text: str, stored_version: int, text: str, base: Base | None, seen: Base | None, own_since_base: bool
) -> Outcome:
    """The rule for one box, given what is stored and what the writer's page posted.

    * The same text as stored: nothing to do, and the writer's page may stand on the stored version.
    * The box still holds the text it was loaded with (its digest equals the base's): the
      writer did not touch it. Whatever is stored stands; if a colleague saved since,
      the page is told (STALE) but its base does not move, since the box does not show
      the colleague's text.
    * The writer changed the box: it saves when nothing was stored since the base, when
      everything stored since came from this same editing page (an autosave that
      overtook the next save), or when the writer was shown exactly the stored version
      in the conflict view and chose to write over it (`seen`). Otherwise: CONFLICT.
    """
    if text == stored_text:
        return Outcome.UNCHANGED
    if base is not None and base.digest == text_digest(text):
        return Outcome.UNTOUCHED if base.version == stored_version else Outcome.STALE
    if base is not None and base.version == stored_version:
        # The version alone is not trusted: a text changed without a new version (by hand in the
        # database, say) does not match the base's digest, and is not overwritten unseen.
        return Outcome.SAVED if base.digest == text_digest(stored_text) else Outcome.CONFLICT
    if seen is not None and seen.version == stored_version and seen.digest == text_digest(stored_text):
        return Outcome.SAVED
    if base is not None and base.version < stored_version and own_since_base:
        return Outcome.SAVED
    return Outcome.CONFLICT


@dataclass
class SaveReport:
    """What one save did, box by box: the result of the save contract for a step's answers or an agreement's sections."""

    results: dict[int, FieldResult] = field(default_factory=dict)

    def _with(self, *outcomes: Outcome) -> list[int]:
        return [pk for pk, result in self.results.items() if result.outcome in outcomes]

    @property
    def saved(self) -> list[int]:
        return self._with(Outcome.SAVED)

    @property
    def conflicts(self) -> list[int]:
        return self._with(Outcome.CONFLICT)

    @property
    def stale(self) -> list[int]:
        return self._with(Outcome.STALE)


def as_text(value: object) -> str:
    """A form value as text (dates, ids and text alike), to be judged by the one rule, `decide`."""
    return "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def value_digest(value: object) -> str:
    """The digest an edit page carries for a plain field: the same digest shared texts carry."""
    return text_digest(as_text(value))


def fields_state(values: Mapping[str, object]) -> str:
    """The `loaded` field of an edit page of plain fields: each field's digest as the page shows it now."""
    return ",".join(f"{key}={value_digest(value)}" for key, value in values.items())


def parse_fields_state(raw: str) -> dict[str, str]:
    """The digests `fields_state` wrote, by field; a damaged entry is left out (the field is then taken as loaded now)."""
    pairs = (item.partition("=") for item in (raw or "").split(",") if "=" in item)
    return {key: digest for key, _sep, digest in pairs}


@dataclass
class FieldsReport:
    """What `save_fields` did: the fields written, and those a colleague changed meanwhile (left alone)."""

    written: list[str] = field(default_factory=list)
    moved_on: list[str] = field(default_factory=list)


@dataclass
class EditResult:
    """What an edit page of plain fields did, for the person: what was written (in words) and what was not."""

    changed: list[str] = field(default_factory=list)  # what was written, in words
    moved_on: list[str] = field(default_factory=list)  # fields a colleague changed meanwhile: left alone


def save_fields(
    instance: models.Model,
    wanted: Mapping[str, object],
    loaded: Mapping[str, str],
    *,
    also: tuple[str, ...] = (),
    save: bool = True,
) -> FieldsReport:
    """Write the plain fields a person changed on `instance`, which the caller has locked (select_for_update).

    `wanted` holds the values the page posted by attribute name, `loaded` each field's digest as the page
    showed it (see `fields_state`; a field without one is taken as loaded with what is stored now). A field
    left as loaded is never written back; a field someone else changed since the page was loaded is kept and
    reported in `moved_on`. `also` names fields saved with any change (e.g. `updated_at`). With `save=False`
    the instance is changed but not saved, for a caller that checks the merged row first.
    """
    report = FieldsReport()
    for name, value in wanted.items():
        stored = as_text(getattr(instance, name))
        outcome = decide(
            stored_text=stored,
            stored_version=0,
            text=as_text(value),
            base=Base(0, loaded.get(name) or text_digest(stored)),
            seen=None,
            own_since_base=False,
        )
        if outcome is Outcome.CONFLICT:
            report.moved_on.append(name)
        elif outcome is Outcome.SAVED:
            setattr(instance, name, value)
            report.written.append(name)
    if report.written and save:
        instance.save(update_fields=[*report.written, *also])
    return report
