"""The forms of text written together: a shared text's boxes, and plain fields saved with `save_fields`."""

from __future__ import annotations

import re
import secrets
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from portal.text import MultilineField

from .contract import Base, Edit, parse_fields_state, text_digest

# The longest text one box may hold: long enough for any answer or section, short enough to print.
ANSWER_MAX_LENGTH = 20_000

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


def _questions(group: Any) -> list[Any]:
    questions = group.questions
    return list(questions.all() if hasattr(questions, "all") else questions)


class LoadedFieldsMixin:
    """For a form of plain fields saved with `contract.save_fields`: it carries what each field held when loaded.

    The view fills `loaded` with `contract.fields_state(...)`; nothing the person left as loaded is written
    back, and nothing a colleague saved meanwhile is overwritten unseen. Mixed into a `forms.Form`, whose
    metaclass collects `declared_fields` from every class it inherits from.
    """

    declared_fields: ClassVar[dict[str, forms.Field]] = {
        "loaded": forms.CharField(required=False, widget=forms.HiddenInput)
    }
    is_bound: bool
    cleaned_data: dict[str, Any]

    def loaded_digests(self) -> dict[str, str]:
        raw = self.cleaned_data.get("loaded") if self.is_bound and hasattr(self, "cleaned_data") else ""
        return parse_fields_state(str(raw or ""))
