"""Agreements in each state, made through the workflows (collaboration/agreement/), for the PDF tests."""

from __future__ import annotations

from collaboration.agreement import approval, drafting, versions
from collaboration.cowriting.contract import Base, Edit, text_digest
from collaboration.models import Agreement, AgreementSection, AgreementText, AgreementVersion
from tests.conftest import Cast

PARAGRAPH = (
    "Föreningen och kommunen arbetar tillsammans för att fler barn i Centrum ska klara skolan. Föreningen "
    "känner målgruppen väl genom sin läxhjälp och sina kontakter med familjerna, och kommunen bidrar med "
    "lokaler, kontakter med skolorna och ett ekonomiskt stöd som beslutas för ett år i taget. Vi följer upp "
    "arbetet varje termin och ändrar planen när det behövs."
)


def write(agreement: Agreement, cast: Cast, texts: dict[str, str]) -> None:
    for slug, text in texts.items():
        section = AgreementSection.objects.get(slug=slug)
        current = AgreementText.objects.filter(agreement=agreement, section=section).first()
        base = current.base if current else Base(0, text_digest(""))
        report = drafting.agreement_save(
            agreement=agreement,
            edits=[Edit(slot=section, text=text, base=base)],
            writer="pdf-test",
            user=cast.officer,
            organisation=cast.kommun,
        )
        assert report.saved or not report.conflicts


def realistic_texts(paragraphs: int = 3) -> dict[str, str]:
    """Every text section with a few paragraphs: about five A4 pages in all."""
    return {
        s.slug: "\n\n".join(f"{s.title}, stycke {i + 1}. {PARAGRAPH}" for i in range(paragraphs))
        for s in drafting.text_sections()
    }


def sent(cast: Cast, texts: dict[str, str]) -> tuple[Agreement, AgreementVersion]:
    agreement = drafting.agreement_start(
        collaboration=cast.collaboration, user=cast.officer, organisation=cast.kommun, from_process=False
    )
    write(agreement, cast, texts)
    agreement.refresh_from_db()
    _, version = versions.agreement_send(agreement=agreement, user=cast.officer, organisation=cast.kommun)
    assert version is not None
    agreement.refresh_from_db()
    return agreement, version


def adopted(cast: Cast, texts: dict[str, str]) -> tuple[Agreement, AgreementVersion]:
    agreement, version = sent(cast, texts)
    approval.agreement_approve(
        version=version, user=cast.coordinator, organisation=cast.kommun, decision_reference="KS 2026/114"
    )
    approval.agreement_approve(
        version=version, user=cast.board_member, organisation=cast.forening, decision_reference="Styrelsemöte 12 mars"
    )
    agreement.refresh_from_db()
    assert agreement.adopted_version_id == version.pk
    return agreement, version
