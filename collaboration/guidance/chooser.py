"""The guided chooser of collaboration form: a few questions, recommendations with reasons.

The rules are code (they are logic, not content); the forms they point at are
the catalogue's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

YES, NO, UNSURE = "ja", "nej", "vet-inte"
YES_NO = [(YES, _("Ja")), (NO, _("Nej")), (UNSURE, _("Vet inte"))]
INITIATIVE = [
    ("offentlig", _("Den offentliga partens")),
    ("ideburen", _("Den idéburna partens")),
    ("gemensamt", _("Gemensamt")),
    (UNSURE, _("Vet inte")),
]


def _question(label: Any, choices: list[tuple[str, Any]] = YES_NO, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": _("Välj ett svar."), "invalid_choice": _("Välj ett av svaren.")},
    )


class ChooserForm(forms.Form):
    temporary = _question(_("Ska ni göra något nytt som pågår en begränsad tid och har ett tydligt slut?"))
    established = _question(_("Finns verksamheten redan, och behöver den stöd för att kunna fortsätta?"))
    general_support = _question(
        _("Ska stödet gå till organisationens vanliga arbete, som organisationen själv bestämmer över?")
    )
    market = _question(
        _("Finns det en marknad – flera aktörer som kan leverera samma tjänst mot betalning?"),
        help_text=_("Om ja gäller i regel reglerna för offentlig upphandling."),
    )
    initiative = _question(_("Vems initiativ är samverkan?"), INITIATIVE)
    shared_challenge = _question(
        _("Vill ni driva en verksamhet tillsammans, på lång sikt, kring en samhällsutmaning som ni delar?")
    )
    input_wanted = _question(_("Vill den offentliga parten främst få synpunkter från civilsamhället inför ett beslut?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The error summary names each unanswered question, so a screen-reader user knows which one.
        for question in self.fields.values():
            question.error_messages["required"] = _("Svara på frågan ”%(question)s”") % {"question": question.label}


@dataclass
class Recommendation:
    slug: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)


def recommend(answers: dict[str, str]) -> tuple[list[Recommendation], list[Recommendation]]:
    """Return (recommended, advised against), each with the reasons in plain Swedish."""
    recs: dict[str, Recommendation] = {}

    def add(slug: str, score: int, reason: Any) -> None:
        rec = recs.setdefault(slug, Recommendation(slug))
        rec.score += score
        rec.reasons.append(str(reason))

    def against(slug: str, reason: Any) -> None:
        rec = recs.setdefault(slug, Recommendation(slug))
        rec.against.append(str(reason))

    a = answers.get
    if a("input_wanted") == YES:
        add(
            "samrad",
            3,
            _("Ni vill ha synpunkter på en avgränsad fråga inför ett beslut. Det är vad ett samråd är till för."),
        )
        add("dialog", 1, _("Vill ni hellre utbyta erfarenheter brett innan något är bestämt passar en dialog."))
    if a("initiative") == "gemensamt":
        add("dialog", 2, _("Ett gemensamt initiativ tjänar på en dialog där båda parter sätter dagordningen."))
    if a("temporary") == YES:
        if a("established") == YES:
            against("projektmedel", _("Projektmedel är till för något nytt, inte för verksamhet som redan finns."))
        else:
            add("projektmedel", 3, _("Något nytt, tillfälligt och tydligt avgränsat passar projektmedel."))
    if a("established") == YES:
        add("verksamhetsstod", 3, _("En verksamhet som redan finns och ska fortsätta kan få verksamhetsstöd."))
    if a("general_support") == YES:
        add(
            "generellt-organisationsstod",
            3,
            _("Stöd till organisationens vanliga arbete, där den själv styr, är generellt organisationsstöd."),
        )
    if a("market") == YES:
        add(
            "upphandling",
            3,
            _(
                "När det finns en marknad för tjänsten gäller i regel upphandling. Reserverad upphandling eller social hänsyn kan öppna för idéburna aktörer."
            ),
        )
        against("iop", _("IOP passar inte när det finns en marknad för tjänsten – då ska den upphandlas."))
    elif a("shared_challenge") == YES:
        score = 3 if a("initiative") in ("ideburen", "gemensamt") else 2
        add(
            "iop",
            score,
            _(
                "Ni vill driva något tillsammans och långsiktigt kring en delad samhällsutmaning. Det är kärnan i ett IOP."
            ),
        )
    if a("shared_challenge") == YES and a("initiative") == "ideburen":
        recs["iop"].reasons.append(str(_("Initiativet kommer från den idéburna parten, vilket är vanligt för IOP.")))

    recommended = sorted((r for r in recs.values() if r.score > 0 and not r.against), key=lambda r: -r.score)
    if not recommended:
        recommended = [
            Recommendation(
                "dialog",
                1,
                [str(_("Svaren pekar inte ut en form. Börja med en dialog för att tillsammans hitta vad ni behöver."))],
            )
        ]
    advised_against = [r for r in recs.values() if r.against]
    return recommended, advised_against
