"""Agreements in each state, made through the workflows (collaboration/agreement/), for every test that needs one."""

from __future__ import annotations

from collaboration.agreement import approval, drafting
from collaboration.models import Agreement, AgreementVersion
from tests.collaboration.helpers import send_version, write_sections
from tests.conftest import Cast

PARAGRAPH = (
    "Föreningen och kommunen arbetar tillsammans för att fler barn i Centrum ska klara skolan. Föreningen "
    "känner målgruppen väl genom sin läxhjälp och sina kontakter med familjerna, och kommunen bidrar med "
    "lokaler, kontakter med skolorna och ett ekonomiskt stöd som beslutas för ett år i taget. Vi följer upp "
    "arbetet varje termin och ändrar planen när det behövs."
)


def write(agreement: Agreement, cast: Cast, texts: dict[str, str]) -> None:
    """The officer writes `texts` (by section slug) as the editing page would."""
    assert write_sections(agreement, texts, cast.officer, cast.kommun).conflicts == []


def realistic_texts(paragraphs: int = 3) -> dict[str, str]:
    """Every text section with a few paragraphs: about five A4 pages in all."""
    return {
        s.slug: "\n\n".join(f"{s.title}, stycke {i + 1}. {PARAGRAPH}" for i in range(paragraphs))
        for s in drafting.text_sections()
    }


def sent(cast: Cast, texts: dict[str, str]) -> tuple[Agreement, AgreementVersion]:
    """The officer writes `texts` and sends the agreement for review: version 1 (or the next)."""
    version = send_version(cast.collaboration, cast.officer, cast.kommun, texts)
    agreement = Agreement.objects.get(pk=version.agreement_id)
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
