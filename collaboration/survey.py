"""The national mapping's terms, and which of the portal's collaboration forms count as which.

Forum and SKL (now SKR) surveyed kommuner and regioner in 2018 on their collaboration
relationships with civil society, by form: grants of each kind, running facilities,
agreements, LOV, procurement, IOP and dialogue. A coordinator wants the same picture of
their own organisation, so the overview counts the portal's collaborations in those terms.

The mapping is data: one `SurveyCategory` per term of the survey, naming the slugs of the
portal's forms (`CollaborationForm.slug`, shipped in guidance/forms_v1.json) that count as
it. A term no form of the portal matches (drift av anläggningar, LOV, överenskommelse om
tjänster) is still listed, with no forms, so the table has the survey's shape and says
plainly that the portal has nothing to count there. A form an admin adds later counts as
"Annan form" until it is mapped here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SurveyCategory:
    key: str
    label: str | Promise
    form_slugs: tuple[str, ...]


SURVEY_CATEGORIES: tuple[SurveyCategory, ...] = (
    SurveyCategory("bidrag-projekt", _("Bidrag: projektbidrag"), ("projektmedel",)),
    SurveyCategory("bidrag-verksamhet", _("Bidrag: verksamhetsbidrag"), ("verksamhetsstod",)),
    SurveyCategory("bidrag-organisation", _("Bidrag: organisationsbidrag"), ("generellt-organisationsstod",)),
    SurveyCategory("drift", _("Drift av anläggningar"), ()),
    SurveyCategory("overenskommelse", _("Överenskommelse om tjänster"), ()),
    SurveyCategory("lov", _("LOV (valfrihetssystem)"), ()),
    SurveyCategory("upphandling", _("Upphandling"), ("upphandling",)),
    SurveyCategory("iop", _("Idéburet offentligt partnerskap (IOP)"), ("iop",)),
    SurveyCategory("dialog", _("Dialog och samråd"), ("dialog", "samrad")),
)
OTHER_FORM = SurveyCategory("annan", _("Annan form"), ())
NO_FORM = SurveyCategory("ingen", _("Ingen samverkansform vald än"), ())


def category_of(form_slug: str | None) -> SurveyCategory:
    """The survey term a collaboration with this form counts as."""
    if form_slug is None:
        return NO_FORM
    for category in SURVEY_CATEGORIES:
        if form_slug in category.form_slugs:
            return category
    return OTHER_FORM
