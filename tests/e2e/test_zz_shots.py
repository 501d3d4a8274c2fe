import pytest
from django.urls import reverse

from collaboration import agreements
from collaboration.models import AgreementSection, Edit, Question
from collaboration.models.texts import EMPTY_BASE
from tests.collaboration.helpers import write_answer
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_shots(page, cast):
    write_answer(
        cast.collaboration,
        Question.objects.get(code="problem-och-behov-problem"),
        "Många barn i Centrum saknar någon som kan hjälpa dem med läxorna. " * 3,
        cast.officer,
        cast.kommun,
    )
    a = agreements.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=True
    )
    agreements.agreement_save(
        agreement=a,
        edits=[
            Edit(
                slot=AgreementSection.objects.get(slug="malgrupp"),
                text="Barn i årskurs 4–6.\n\nOch deras föräldrar.",
                base=EMPTY_BASE,
            )
        ],
        writer="x" * 10,
        user=cast.officer,
        organisation=cast.kommun,
    )
    _, v = agreements.agreement_send(agreement=a, user=cast.officer, organisation=cast.kommun)
    c = agreements.agreement_comment(
        version=v,
        user=cast.board_member,
        organisation=cast.forening,
        section_slug="malgrupp",
        text="Ska föräldrarna verkligen vara med?",
    )
    agreements.agreement_comment(
        version=v,
        user=cast.officer,
        organisation=cast.kommun,
        section_slug="malgrupp",
        text="Ja, de hämtar barnen.",
        parent=c,
    )
    agreements.agreement_approve(
        version=v, user=cast.board_member, organisation=cast.forening, decision_reference="Styrelsemöte 2026-11-20, § 7"
    )
    sign_in(page, cast.coordinator.email, PASSWORD)
    for name, path in [
        ("version", reverse("agreement_version", args=[cast.collaboration.code, 1])),
        ("detail", reverse("agreement_detail", args=[cast.collaboration.code])),
        ("edit", reverse("agreement_edit", args=[cast.collaboration.code])),
    ]:
        page.goto(path)
        page.screenshot(path=f"/tmp/shot-{name}.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("agreement_version", args=[cast.collaboration.code, 1]))
    page.screenshot(path="/tmp/shot-version-320.png", full_page=True)
