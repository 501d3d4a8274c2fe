"""One party's ratings of the six principles, with a comment each."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from collaboration.models import Rating
from collaboration.principle_check import (
    RatingInput,
)
from principles.models import Principle


class PrincipleRatingForm(forms.Form):
    """One rating (required) and one comment (optional) per principle, for one party."""

    def __init__(self, *args: Any, principles: list[Principle], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principles = principles
        for p in principles:
            self.fields[f"rating-{p.slug}"] = forms.ChoiceField(
                label=p.name,
                choices=Rating.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext_lazy("Välj hur principen ”%(principle)s” fungerar.") % {"principle": p.name},
                    "invalid_choice": gettext_lazy("Välj ett av svaren för ”%(principle)s”.") % {"principle": p.name},
                },
            )
            self.fields[f"base-{p.slug}"] = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
            self.fields[f"comment-{p.slug}"] = forms.CharField(
                label=gettext_lazy("Kommentar om %(principle)s (frivillig)") % {"principle": p.name.lower()},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
                },
            )

    def rows(self) -> list[tuple[Principle, Any, Any]]:
        return [(p, self[f"rating-{p.slug}"], self[f"comment-{p.slug}"]) for p in self.principles]

    def ratings(self) -> list[RatingInput]:
        return [
            RatingInput(
                principle=p,
                rating=self.cleaned_data[f"rating-{p.slug}"],
                comment=self.cleaned_data.get(f"comment-{p.slug}", ""),
                base=self.cleaned_data.get(f"base-{p.slug}"),
            )
            for p in self.principles
        ]

    def bases(self) -> list[Any]:
        return [self[f"base-{p.slug}"] for p in self.principles]
