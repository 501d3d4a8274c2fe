"""Editing pages for text written together: the form, autosave, the conflict view.

The step pages of the guided process and the agreement's editing page both use these,
with the one save contract (collaboration.models.texts). A "page" is any object with
`questions` (the boxes: objects with pk, code, text and help), `answers` (what is stored,
by box pk), and `groups` (for `SharedTextForm.rows`: objects with a `heading` and their `questions`).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collaboration.forms import ANSWER_MAX_LENGTH
from collaboration.models import Base, Edit, Outcome, text_digest
from collaboration.models.texts import SaveReport
from portal.http import AnyRequest
from portal.text import MultilineField

WRITER_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def new_writer_token() -> str:
    """One token per loaded editing page: the unit that "my own earlier save" is decided for."""
    return secrets.token_urlsafe(12)


class SharedTextForm(forms.Form):
    """One text field per question, the base each field was loaded from, and the page's writer token.

    Two optional hidden fields per question carry a conflict's resolution: `seen-` is
    the colleague's version the writer was shown beside their own text, `mine-` is the
    writer's own text kept aside after they chose to use the stored one.
    """

    writer = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, page: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        if not self.is_bound:
            self.initial.setdefault("writer", new_writer_token())
        for question in page.questions:
            answer = page.answers.get(question.pk)
            self.fields[f"answer-{question.code}"] = MultilineField(
                label=question.text,
                help_text=question.help,
                required=False,
                strip=False,
                max_length=ANSWER_MAX_LENGTH,
                initial=answer.text if answer else "",
                widget=forms.Textarea(attrs={"rows": 5, "data-answer": question.code}),
                error_messages={
                    "max_length": gettext_lazy(
                        "Svaret får vara högst %(limit_value)d tecken långt (nu %(show_value)d). Korta ner det eller dela upp det på flera frågor."
                    ),
                    "null_characters_not_allowed": gettext_lazy(
                        "Svaret innehåller ett otillåtet tecken (nolltecken). Ta bort det och spara igen."
                    ),
                },
            )
            self.fields[f"base-{question.code}"] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                initial=str(answer.base if answer else Base(0, text_digest(""))),
            )
            self.fields[f"seen-{question.code}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[f"mine-{question.code}"] = MultilineField(required=False, strip=False, widget=forms.HiddenInput)

    def clean_writer(self) -> str:
        token = self.cleaned_data.get("writer") or ""
        # A page without a readable token is a writer of its own, never another page's.
        return token if WRITER_TOKEN.match(token) else new_writer_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.startswith(("answer-", "mine-")) and isinstance(value, str):
                # Browsers send CRLF line breaks; store the text as the writer sees it.
                data[name] = value.replace("\r\n", "\n")
        return data

    def writer_token(self) -> str:
        return str(self.cleaned_data.get("writer") or new_writer_token())

    def edits(self, *, explicit: bool) -> list[Edit]:
        """The boxes that were posted and are valid. A missing box is "not sent", never "cleared".

        Only an explicit save (a button, not autosave) may write over the version the
        writer was shown in the conflict view.
        """
        edits = []
        for q in self.page.questions:
            name = f"answer-{q.code}"
            if name not in self.data or self.has_error(name) or name not in self.cleaned_data:
                continue
            edits.append(
                Edit(
                    slot=q,
                    text=self.cleaned_data[name],
                    base=Base.parse(self.cleaned_data.get(f"base-{q.code}", "")),
                    seen=Base.parse(self.cleaned_data.get(f"seen-{q.code}", "")) if explicit else None,
                )
            )
        return edits

    def rows(self, notes: dict[int, dict[str, Any]] | None = None) -> list[tuple[Any, list[dict[str, Any]]]]:
        notes = notes or {}
        # A page that shows text the server does not hold (after an error, in a conflict, a restored
        # draft) marks those boxes: portal.js guards leaving them until they are saved.
        for q in self.page.questions:
            stored = self.page.answers.get(q.pk)
            if self._value(f"answer-{q.code}") != (stored.text if stored else ""):
                self.fields[f"answer-{q.code}"].widget.attrs["data-unsaved"] = "true"
        return [
            (
                group,
                [
                    {
                        "question": q,
                        "field": self[f"answer-{q.code}"],
                        "answer": self.page.answers.get(q.pk),
                        "mine": self._value(f"mine-{q.code}"),
                        **notes.get(q.pk, {}),
                    }
                    for q in _questions(group)
                ],
            )
            for group in self.page.groups
        ]

    def _value(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value).replace("\r\n", "\n")

    def hidden_state(self) -> list[Any]:
        fields = [self["writer"]]
        for q in self.page.questions:
            fields += [self[f"base-{q.code}"], self[f"seen-{q.code}"], self[f"mine-{q.code}"]]
        return fields


def resolution(request: AnyRequest, page: Any) -> tuple[str, Any] | None:
    """A conflict-view button: use the stored text, use my text again, or throw my text away."""
    codes = {q.code: q for q in page.questions}
    for action in ("take_theirs", "restore_mine", "discard_mine"):
        code = request.POST.get(action)
        if code in codes:
            return action, codes[code]
    return None


def field_notes(page: Any, report: SaveReport) -> dict[int, dict[str, Any]]:
    notes: dict[int, dict[str, Any]] = {}
    for pk, result in report.results.items():
        notes[pk] = {"outcome": result.outcome.value, "current": result.answer}
    return notes


def autosave_response(
    request: AnyRequest,
    context: dict[str, Any],
    page: Any,
    form: SharedTextForm,
    report: SaveReport,
    template: str,
) -> HttpResponse:
    """The status region, each touched field's status and "Senast ändrat", and what the page must know.

    The browser moves a box's base only as the data says: to a saved version of exactly
    the text it posted, or, for a box the writer has still not touched, together with
    the colleague's newer text (portal.js decides that, since only it knows what the box
    shows when the answer arrives).
    """
    invalid = [q for q in page.questions if form.has_error(f"answer-{q.code}")]
    results = []
    for q in page.questions:
        result = report.results.get(q.pk)
        if result is None:
            continue
        entry: dict[str, Any] = {"code": q.code, "outcome": result.outcome.value, "base": str(result.base)}
        if result.outcome is Outcome.STALE and result.answer is not None:
            entry.update({"text": result.answer.text, "current_base": str(result.answer.base)})
        results.append(entry)
    notes = field_notes(page, report)
    for q in invalid:
        notes[q.pk] = {"outcome": "invalid", "errors": form.errors[f"answer-{q.code}"]}
    context.update(
        {
            "form": form,
            "rows": form.rows(notes),
            "notes": [(q, page.answers.get(q.pk), notes[q.pk]) for q in page.questions if q.pk in notes],
            "invalid": invalid,
            "conflicts": [q for q in page.questions if q.pk in report.conflicts],
            "saved_at": timezone.localtime() if report.saved else None,
            "autosave_data": {"results": results},
        }
    )
    return render(request, f"{template}#autosave", context)


def conflict_page(
    request: AnyRequest, context: dict[str, Any], page: Any, data: QueryDict, report: SaveReport, template: str
) -> HttpResponse:
    """Both texts side by side for every box that conflicts (409); nothing of the writer's is lost.

    The conflicting box keeps the writer's text and its old base; `seen-` records the
    colleague's version shown beside it, so that an explicit save writes over exactly
    that version and nothing newer. A box the writer never touched shows the
    colleague's newer text, on its version: this page replaces the whole form.
    """
    for pk, result in report.results.items():
        q = next(q for q in page.questions if q.pk == pk)
        if result.outcome is Outcome.CONFLICT and result.answer is not None:
            data[f"seen-{q.code}"] = str(result.answer.base)
        elif result.outcome is Outcome.STALE and result.answer is not None:
            data[f"answer-{q.code}"] = result.answer.text
            data[f"base-{q.code}"] = str(result.answer.base)
        else:
            data[f"base-{q.code}"] = str(result.base)
    form = SharedTextForm(data, page=page)
    form.is_valid()
    context.update(
        {
            "form": form,
            "rows": form.rows(field_notes(page, report)),
            "conflicts": [q for q in page.questions if q.pk in report.conflicts],
        }
    )
    return render(request, template, context, status=409)


def resolve(
    request: AnyRequest,
    context: dict[str, Any],
    page: Any,
    data: QueryDict,
    action: str,
    question: Any,
    template: str,
) -> HttpResponse:
    """Act on a conflict-view button without saving: the writer saves when they choose to."""
    code = question.code
    current = page.answers.get(question.pk)
    mine = data.get(f"answer-{code}", "").replace("\r\n", "\n")
    if action == "take_theirs":
        # The stored text goes into the box; the writer's own text stays beside it until they save.
        if mine and (current is None or mine != current.text):
            data[f"mine-{code}"] = mine
        data[f"answer-{code}"] = current.text if current else ""
        data[f"base-{code}"] = str(current.base if current else Base(0, text_digest("")))
        data[f"seen-{code}"] = ""
        notice = _("Rutan visar nu den sparade texten. Din egen text finns kvar bredvid tills du sparar.")
    elif action == "restore_mine":
        data[f"answer-{code}"] = data.get(f"mine-{code}", "")
        data[f"mine-{code}"] = ""
        notice = _("Din egen text står i rutan igen. Spara när du har bestämt dig.")
    else:
        data[f"mine-{code}"] = ""
        notice = _("Din egen text är borttagen.")
    form = SharedTextForm(data, page=page)
    form.is_valid()
    # Every other box still in conflict keeps its comparison on screen: a save from this page
    # writes over only what the writer can see.
    notes: dict[int, dict[str, Any]] = {}
    for q in page.questions:
        current = page.answers.get(q.pk)
        if q.pk != question.pk and current is not None and data.get(f"seen-{q.code}"):
            notes[q.pk] = {"outcome": Outcome.CONFLICT.value, "current": current}
    context.update(
        {
            "form": form,
            "rows": form.rows(notes),
            "resolution_notice": notice,
            "conflicts": [q for q in page.questions if q.pk in notes],
        }
    )
    return render(request, template, context)


def _questions(group: Any) -> list[Any]:
    questions = group.questions
    return list(questions.all() if hasattr(questions, "all") else questions)
