"""Demo agreements: one fastställd after two versions, one under review with a change request, one draft.

Everything goes through the workflows in `collaboration/agreement/` (and `collaboration_edit`
for contact persons and the period), so the activity log and the frozen versions are real.
Each collaboration is scripted once: a collaboration that already has an agreement is left alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from collaboration.agreement.approval import (
    ApproveOutcome,
    RegisterOutcome,
    agreement_approve,
    agreement_register_approval,
)
from collaboration.agreement.drafting import agreement_save, agreement_start, section_texts, text_sections
from collaboration.agreement.review import agreement_comment, agreement_request_changes, comment_resolve
from collaboration.agreement.versions import SendOutcome, agreement_send
from collaboration.collaborations import collaboration_edit
from collaboration.cowriting.contract import Base, Edit, text_digest
from collaboration.models import (
    Agreement,
    AgreementState,
    AgreementVersion,
    Answer,
    Collaboration,
    Membership,
    Organisation,
    Party,
    Question,
)
from collaboration.steps import step_save
from portal.models import User

KOMMUN, LAXHJALP, REGION, EQUMENIA = "212000-1355", "802002-8711", "232100-0289", "252002-6226"
OFFICER = "handlaggare@halmstad.demo.se"
KOMMUN_COORDINATOR = "samordnare@halmstad.demo.se"
BOARD = "styrelse@laxhjalp.demo.se"
LAXHJALP_COORDINATOR = "samordnare@laxhjalp.demo.se"
REGION_COORDINATOR = "samordnare@region.demo.se"

# Per collaboration: the planned period, each party's contact person and the public party's diarienummer.
PARTY_FACTS: dict[str, dict[str, Any]] = {
    "Läxhjälp i Centrum": {
        "period": (date(2027, 1, 11), date(2027, 12, 17)),
        "contacts": {KOMMUN: OFFICER, LAXHJALP: LAXHJALP_COORDINATOR},
        "references": {KOMMUN: "BUN 2026/0187"},
    },
    "Samråd om ny kulturstrategi": {
        "period": (date(2027, 1, 18), date(2027, 4, 30)),
        "contacts": {KOMMUN: OFFICER, LAXHJALP: BOARD},
        "references": {KOMMUN: "KFN 2026/0093"},
    },
    "Gröna gårdar för unga vuxna": {
        "period": (date(2027, 3, 1), date(2028, 2, 29)),
        "contacts": {REGION: REGION_COORDINATOR},
        "references": {REGION: "RS 2026-00871"},
    },
}

# --- Läxhjälp i Centrum: fastställd after two versions -------------------------------------------

LAXHJALP_V1 = {
    "bakgrund-och-problembild": (
        "I Centrum finns många barn i årskurs 4–9 som inte får den hjälp med läxorna hemma som de behöver. "
        "Skolorna i området ser att elever lämnar in uppgifter ofullständiga och att en del slutar fråga om hjälp. "
        "Föreningen Läxhjälp Halmstad har sedan 2019 haft läxhjälp två kvällar i veckan med volontärer, men har "
        "inte kunnat ta emot alla som vill komma.\n\n"
        "Kommunen och föreningen har under hösten 2026 gått igenom behoven tillsammans med två skolor och en "
        "grupp föräldrar. Vi är överens om att det som saknas är en lugn plats efter skolan, vuxna som har tid och "
        "ett fast sammanhang som barnen kan lita på."
    ),
    "malbild-och-syfte": (
        "Syftet är att fler barn i Centrum ska klara skolans krav och känna att de kan be om hjälp. "
        "Efter ett år vill vi att läxhjälpen har öppet fyra kvällar i veckan under terminerna och att minst "
        "60 barn kommer regelbundet.\n\n"
        "Vi vill också att föräldrarna känner till läxhjälpen och vågar höra av sig, och att skolorna vet när "
        "de kan tipsa en elev om att komma."
    ),
    "malgrupp": (
        "Barn och unga i årskurs 4–9 som bor eller går i skola i Centrum, och deras föräldrar. "
        "Många av familjerna har annat modersmål än svenska och flera har flyttat hit under de senaste åren.\n\n"
        "Vi når barnen främst genom skolorna och genom föreningens egna kontakter. Barnen själva ska få säga "
        "vad de behöver, genom ett samtal i början av varje termin."
    ),
    "problemlosning-och-metod": (
        "Läxhjälpen bygger på att samma volontärer kommer samma kvällar, så att barnen känner igen dem. "
        "Varje kväll börjar med fika och en kort genomgång av vad barnen har med sig. Volontärerna arbetar i små "
        "grupper och en samordnare från föreningen finns alltid på plats.\n\n"
        "Kommunens skolor lånar ut läromedel och ger volontärerna en introduktion till hur skolan arbetar med "
        "läxor och bedömning."
    ),
    "atgarder-och-tidsplan": (
        "Januari 2027: rekrytering och introduktion av nya volontärer, lokalen på Centrumgården görs i ordning.\n"
        "Februari 2027: läxhjälpen öppnar fyra kvällar i veckan.\n"
        "Maj 2027: första uppföljningsmötet med skolorna och föräldrarna.\n"
        "Augusti 2027: planering inför hösten utifrån vad barnen och volontärerna har sagt.\n"
        "December 2027: gemensam utvärdering och beslut om en eventuell fortsättning."
    ),
    "organisation": (
        "Föreningen ansvarar för verksamheten, volontärerna och kontakten med familjerna. Kommunens handläggare "
        "är kontaktperson för skolorna och för frågor om bidraget.\n\n"
        "En styrgrupp med två personer från varje part träffas en gång i månaden. Kommunen kallar och föreningen "
        "sätter dagordningen varannan gång. Brådskande frågor som rör barnens säkerhet avgör föreningens "
        "samordnare direkt och berättar om dem för styrgruppen efteråt."
    ),
    "resurser-och-ekonomi": (
        "Kommunen bidrar med 240 000 kronor för 2027 till samordning och material, och med lokalen på "
        "Centrumgården fyra kvällar i veckan utan kostnad.\n\n"
        "Föreningen bidrar med volontärernas tid, en samordnare på halvtid och sitt nätverk bland familjerna "
        "i området."
    ),
    "principer": (
        "Självständighet och oberoende: föreningen bestämmer själv hur läxhjälpen bedrivs och behåller rätten "
        "att säga ifrån offentligt, också när det gäller kommunens skolor.\n\n"
        "Långsiktighet: parterna är inte överens om allt här ännu. Kommunen kan bara lova pengar ett år i taget, "
        "och föreningen vill ha besked i god tid. Vi lovar att ta upp frågan senast i maj varje år.\n\n"
        "Dialog, kvalitet, öppenhet och mångfald: vi följer upp tillsammans, redovisar öppet vad pengarna har "
        "använts till och välkomnar barn oavsett bakgrund."
    ),
    "kvalitetskrav": (
        "Alla volontärer lämnar utdrag ur belastningsregistret innan de börjar och får en introduktion. "
        "Det finns alltid minst två vuxna på plats. Föreningen har en rutin för vad volontärerna gör om ett barn "
        "berättar något som oroar dem."
    ),
    "rapportering-och-uppfoljning": (
        "Föreningen lämnar en kort redovisning i juni och december: hur många barn som har kommit, vad pengarna "
        "har använts till och vad som har fungerat sämre. Uppföljningen ska stå i proportion till bidraget.\n\n"
        "En gång per termin gör kommunen ett besök under en läxhjälpskväll och pratar med barn och volontärer."
    ),
    "giltighetstid-andringar-och-uppsagning": (
        "Avsiktsförklaringen gäller från 11 januari till 17 december 2027. Ändringar görs skriftligt och "
        "godkänns av båda parter. Var och en av parterna kan säga upp samarbetet med en månads varsel."
    ),
    "eventuell-fortsattning": (
        "Senast i oktober 2027 bestämmer parterna tillsammans om läxhjälpen ska fortsätta 2028 och i vilken form. "
        "Utvärderingen i december ligger till grund för beslutet."
    ),
}

LAXHJALP_QUESTION = (
    "Styrelsen undrar vem som betalar volontärernas kostnader, till exempel bussresor till läxhjälpen och fika "
    "på kvällarna. Det står inget om det i avsnittet, och vi vill inte att volontärerna ska lägga ut egna pengar."
)
LAXHJALP_REPLY = (
    "Bra att ni frågar. Kommunen kan stå för volontärernas resor och för fika och material, inom bidraget. "
    "Jag skriver in det tydligt i nästa version."
)
LAXHJALP_CHANGES = (
    "Styrelsen vill ha två ändringar innan vi kan godkänna: skriv in att kommunen betalar volontärernas resor, "
    "fika och material, som vi kom överens om i kommentaren under Resurser och ekonomi. Och gör uppsägningstiden "
    "tre månader i stället för en, så att vi hinner avsluta terminen ordentligt med barnen."
)
LAXHJALP_V2 = {
    "resurser-och-ekonomi": (
        "Kommunen bidrar med 240 000 kronor för 2027 till samordning och material, och med lokalen på "
        "Centrumgården fyra kvällar i veckan utan kostnad.\n\n"
        "Volontärernas kostnader för resor till och från läxhjälpen, fika och material betalas av bidraget. "
        "Ingen volontär ska behöva lägga ut egna pengar; föreningen betalar ut ersättningen och redovisar den.\n\n"
        "Föreningen bidrar med volontärernas tid, en samordnare på halvtid och sitt nätverk bland familjerna "
        "i området."
    ),
    "giltighetstid-andringar-och-uppsagning": (
        "Avsiktsförklaringen gäller från 11 januari till 17 december 2027. Ändringar görs skriftligt och "
        "godkänns av båda parter. Var och en av parterna kan säga upp samarbetet med tre månaders varsel, så att "
        "en pågående termin kan avslutas på ett bra sätt för barnen."
    ),
}
LAXHJALP_BOARD_DECISION = "Styrelsemöte 2026-11-24, § 7"
LAXHJALP_KOMMUN_DECISION = "Delegationsbeslut 2026-11-25, barn- och ungdomsnämndens delegationsordning p. 3.4"

# --- Samråd om ny kulturstrategi: under review, with a change request -----------------------------

SAMRAD_V1 = {
    "bakgrund-och-problembild": (
        "Halmstads kommun tar fram en ny kulturstrategi för 2027–2030. Förra strategin skrevs nästan helt inom "
        "förvaltningen, och många föreningar har sagt att de inte kände igen sin verksamhet i den.\n\n"
        "Den här gången vill kommunen att föreningslivet och trossamfunden är med innan förslaget är färdigt, "
        "inte bara när det skickas på remiss."
    ),
    "malbild-och-syfte": (
        "Syftet är att strategin ska bygga på det föreningarna vet om barns, ungas och äldres kulturliv i "
        "Halmstad. Samrådet ska ge kommunen underlag och ge föreningarna en tydlig bild av hur deras synpunkter "
        "har tagits om hand."
    ),
    "malgrupp": (
        "Föreningar, studieförbund och trossamfund som bedriver kulturverksamhet i kommunen, och genom dem de "
        "barn, unga och äldre som deltar i verksamheten."
    ),
    "problemlosning-och-metod": (
        "Samrådet består av två dialogmöten och en skriftlig omgång. På mötena arbetar vi i små grupper utifrån "
        "tre frågor som skickas ut i förväg. Kommunen för anteckningar som alla deltagare får läsa och rätta."
    ),
    "atgarder-och-tidsplan": (
        "18 januari 2027: första dialogmötet på stadsbiblioteket.\n"
        "15 februari 2027: andra dialogmötet, om förslagets prioriteringar.\n"
        "Mars 2027: föreningarna lämnar skriftliga synpunkter på hela förslaget.\n"
        "April 2027: kultur- och fritidsnämnden behandlar strategin."
    ),
    "organisation": (
        "Kommunens handläggare samordnar samrådet och är kontaktperson. Föreningarna utser var sin person som "
        "tar emot utskick och återkopplar till sin styrelse."
    ),
    "resurser-och-ekonomi": (
        "Kommunen står för lokaler, fika och tolk vid behov. Föreningarna bidrar med sin tid och sina kunskaper."
    ),
    "principer": (
        "Föreningarna deltar med egna röster och kan framföra kritik mot förslaget, både i samrådet och "
        "offentligt. Att delta i samrådet innebär inte att en förening ställer sig bakom den färdiga strategin."
    ),
    "rapportering-och-uppfoljning": ("Efter varje dialogmöte skickar kommunen ut anteckningarna inom två veckor."),
    "giltighetstid-andringar-och-uppsagning": (
        "Avsiktsförklaringen gäller från 18 januari till 30 april 2027. En part som vill lämna samrådet meddelar "
        "de andra skriftligt."
    ),
}
SAMRAD_KOMMUN_DECISION = "Kultur- och fritidsnämndens arbetsutskott 2026-11-18, § 42"
# Equmeniakyrkan has nobody in the portal: its församlingsråd decided on paper, and the kommun's coordinator
# registered the decision (agreement_register_approval).
SAMRAD_EQUMENIA_DECISION = {"person_name": "Karin Lindqvist", "role_title": "Ordförande i församlingsrådet"}
SAMRAD_EQUMENIA_MINUTES = "Församlingsrådets protokoll {date}, § 7"
SAMRAD_QUESTION = (
    "Det andra dialogmötet ligger veckan före sportlovet. Då är många av våra ledare bortresta med "
    "ungdomsgrupperna. Går det att flytta mötet en vecka?"
)
SAMRAD_CHANGES = (
    "Vi vill att det står tydligt att föreningarna får se en sammanställning av alla synpunkter, och hur "
    "kommunen har använt dem, innan strategin går till nämnden. Under Resurser och ekonomi saknas också "
    "ersättning till ideella som deltar på dagtid och går miste om arbetsinkomst."
)

# --- Gröna gårdar för unga vuxna: a draft ---------------------------------------------------------

# Joint answers the region wrote in phase 1, before it drafted the agreement from them.
GRONA_ANSWERS = {
    "problem-och-behov-problem": (
        "Många unga vuxna i södra Halland står långt från arbete och studier. Flera har varit hemma i mer än ett "
        "år och har svårt att ta sig till en vanlig arbetsplats."
    ),
    "problem-och-behov-behov": (
        "De behöver en plats med fasta tider, lugnt tempo och uppgifter som känns meningsfulla, där de kan "
        "pröva att arbeta utan att misslyckas inför andra."
    ),
    "malgrupp-vilken": (
        "Unga vuxna 19–29 år i Laholm och Halmstad som har kontakt med vården eller arbetsmarknadsenheten och "
        "som själva vill pröva arbetsträning utomhus."
    ),
    "malgrupp-kunskap": (
        "Vi vet från tidigare projekt att många uppskattar att arbeta med djur och odling, och att det är "
        "avgörande att samma handledare finns där varje dag."
    ),
}
GRONA_EDITS = {
    "malbild-och-syfte": (
        "Syftet är att unga vuxna ska komma närmare arbete eller studier genom arbetsträning på stiftelsens "
        "gårdar. Efter ett år vill vi att minst hälften av deltagarna har gått vidare till praktik, studier "
        "eller arbete."
    ),
    "resurser-och-ekonomi": (
        "Regionen bidrar med en handledare på heltid och med resor för deltagarna. Stiftelsen bidrar med gårdar, "
        "djur, verktyg och en gårdsansvarig. Vem som betalar arbetskläder är inte bestämt ännu."
    ),
}


def _party_facts(
    collaboration: Collaboration,
    users: dict[str, User],
    organisations: dict[str, Organisation],
    acting: User,
    acting_organisation: Organisation,
) -> None:
    """The period and the contact persons through `collaboration_edit` (logged), and each public party's diarienummer.

    No workflow sets a diarienummer yet, so it is written on the party, and only where none is set.
    """
    facts = PARTY_FACTS[collaboration.title]
    parties = {
        p.organisation.organisation_number: p for p in Party.objects.accepted().filter(collaboration=collaboration)
    }
    starts_on, ends_on = facts["period"]
    collaboration_edit(
        collaboration=collaboration,
        user=acting,
        acting_organisation=acting_organisation,
        title=collaboration.title,
        description=collaboration.description,
        starts_on=starts_on,
        ends_on=ends_on,
        contacts={
            party.pk: (users[facts["contacts"][number]] if number in facts["contacts"] else party.contact)
            for number, party in parties.items()
        },
    )
    for number, reference in facts["references"].items():
        Party.objects.filter(collaboration=collaboration, organisation=organisations[number], reference="").update(
            reference=reference
        )


# The base of a box whose section has no text yet (as the step pages load it; `None` is "no base" and conflicts).
EMPTY = Base(0, text_digest(""))


def _write(agreement: Agreement, user: User, organisation: Organisation, texts: dict[str, str]) -> None:
    """One person saves sections on one editing page (own writer token, each box based on what it loaded)."""
    sections = {s.slug: s for s in text_sections()}
    current = section_texts(agreement)
    edits = []
    for slug, text in texts.items():
        section = sections[slug]
        loaded = current.get(section.pk)
        edits.append(Edit(slot=section, text=text, base=loaded.base if loaded is not None else EMPTY))
    report = agreement_save(
        agreement=agreement, edits=edits, writer=f"demo-{user.pk}", user=user, organisation=organisation
    )
    if len(report.saved) != len(edits):
        raise CommandError(f"Demo agreement text not saved for {agreement.collaboration}: {report.results}")


def _send(agreement: Agreement, user: User, organisation: Organisation) -> AgreementVersion:
    outcome, version = agreement_send(agreement=agreement, user=user, organisation=organisation)
    if outcome is not SendOutcome.SENT or version is None:
        raise CommandError(f"Demo agreement not sent for {agreement.collaboration}: {outcome}")
    return version


def _approve(version: AgreementVersion, user: User, organisation: Organisation, decision: str) -> ApproveOutcome:
    outcome = agreement_approve(version=version, user=user, organisation=organisation, decision_reference=decision)
    if outcome not in (ApproveOutcome.APPROVED, ApproveOutcome.ADOPTED):
        raise CommandError(f"Demo approval refused for {organisation}: {outcome}")
    return outcome


def grona_process_answers(users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    """The region's joint answers in phase 1 of Gröna gårdar, before the phase is confirmed (only missing ones)."""
    collaboration = Collaboration.objects.filter(title="Gröna gårdar för unga vuxna").first()
    if collaboration is None or Agreement.objects.filter(collaboration=collaboration).exists():
        return
    answered = set(
        Answer.objects.filter(collaboration=collaboration, party_organisation__isnull=True).values_list(
            "question__code", flat=True
        )
    )
    person = users[REGION_COORDINATOR]
    questions = Question.objects.filter(code__in=GRONA_ANSWERS).exclude(code__in=answered).select_related("group__step")
    for question in questions:
        step_save(
            collaboration=collaboration,
            step=question.group.step,
            edits=[Edit(slot=question, text=GRONA_ANSWERS[question.code], base=EMPTY)],
            writer=f"demo-{person.pk}",
            user=person,
            organisation=organisations[REGION],
        )


def load_agreements(users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    # Sara Samordnare has delegated approving agreements for the kommun to Tomas Tjänsteperson.
    Membership.objects.filter(
        user=users[OFFICER], organisation=organisations[KOMMUN], approves_agreements=False
    ).update(approves_agreements=True)
    for title, script in [
        ("Läxhjälp i Centrum", _adopted),
        ("Samråd om ny kulturstrategi", _in_review),
        ("Gröna gårdar för unga vuxna", _draft),
    ]:
        collaboration = Collaboration.objects.filter(title=title).first()
        if collaboration is None:
            continue
        if Agreement.objects.filter(collaboration=collaboration).exists():
            if script is _in_review:
                # Installs whose demo predates registered approvals get the paper decision too.
                _register_paper_decision(collaboration, users, organisations)
            continue
        script(collaboration, users, organisations)


def _adopted(collaboration: Collaboration, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    """Drafted from the process, version 1 questioned and sent back, version 2 approved by both: fastställd."""
    officer, board, coordinator = users[OFFICER], users[BOARD], users[LAXHJALP_COORDINATOR]
    kommun, forening = organisations[KOMMUN], organisations[LAXHJALP]
    _party_facts(collaboration, users, organisations, officer, kommun)
    agreement = agreement_start(collaboration=collaboration, user=officer, organisation=kommun, from_process=True)
    _write(agreement, officer, kommun, {k: v for k, v in LAXHJALP_V1.items() if k != "principer"})
    _write(agreement, coordinator, forening, {"principer": LAXHJALP_V1["principer"]})
    version_1 = _send(agreement, officer, kommun)
    question = agreement_comment(
        version=version_1,
        user=board,
        organisation=forening,
        section_slug="resurser-och-ekonomi",
        text=LAXHJALP_QUESTION,
    )
    agreement_comment(
        version=version_1, user=officer, organisation=kommun, section_slug="", text=LAXHJALP_REPLY, parent=question
    )
    comment_resolve(comment=question, user=board)
    agreement_request_changes(version=version_1, user=board, organisation=forening, message=LAXHJALP_CHANGES)
    _write(agreement, officer, kommun, LAXHJALP_V2)
    version_2 = _send(agreement, officer, kommun)
    _approve(version_2, officer, kommun, LAXHJALP_KOMMUN_DECISION)
    _approve(version_2, board, forening, LAXHJALP_BOARD_DECISION)


def _in_review(collaboration: Collaboration, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    """Version 1 sent; the kommun has approved it, Föreningen Läxhjälp asks for changes and has an open question."""
    officer, board = users[OFFICER], users[BOARD]
    kommun, forening = organisations[KOMMUN], organisations[LAXHJALP]
    _party_facts(collaboration, users, organisations, officer, kommun)
    agreement = agreement_start(collaboration=collaboration, user=officer, organisation=kommun, from_process=True)
    _write(agreement, officer, kommun, SAMRAD_V1)
    version = _send(agreement, officer, kommun)
    _approve(version, users[KOMMUN_COORDINATOR], kommun, SAMRAD_KOMMUN_DECISION)
    agreement_comment(
        version=version,
        user=users[LAXHJALP_COORDINATOR],
        organisation=forening,
        section_slug="atgarder-och-tidsplan",
        text=SAMRAD_QUESTION,
    )
    agreement_request_changes(version=version, user=board, organisation=forening, message=SAMRAD_CHANGES)
    _register_paper_decision(collaboration, users, organisations)


def _register_paper_decision(
    collaboration: Collaboration, users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    """Equmeniakyrkan's approval of the version under review, registered from its paper decision (once)."""
    agreement = Agreement.objects.filter(collaboration=collaboration).select_related("latest_version").first()
    church = organisations.get(EQUMENIA)
    if agreement is None or agreement.latest_version is None or church is None:
        return
    version = agreement.latest_version
    if agreement.state != AgreementState.GRANSKNING or version.approvals.filter(organisation=church).exists():
        return
    if church.pk not in {o.pk for o in version.named_organisations()}:
        return
    # The församlingsråd met the day the version was sent for review.
    decided_on = timezone.localtime(version.created_at).date()
    outcome = agreement_register_approval(
        version=version,
        user=users[KOMMUN_COORDINATOR],
        organisation=church,
        acting=organisations[KOMMUN],
        decided_on=decided_on,
        decision_reference=SAMRAD_EQUMENIA_MINUTES.format(date=decided_on.isoformat()),
        typed_hash=version.sha256,
        **SAMRAD_EQUMENIA_DECISION,
    )
    if outcome not in (RegisterOutcome.REGISTERED, RegisterOutcome.ALREADY):
        raise CommandError(f"Demo registered approval refused for {church}: {outcome}")


def _draft(collaboration: Collaboration, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    """Drafted from the region's process answers and partly written; not sent yet."""
    person, region = users[REGION_COORDINATOR], organisations[REGION]
    _party_facts(collaboration, users, organisations, person, region)
    agreement = agreement_start(collaboration=collaboration, user=person, organisation=region, from_process=True)
    _write(agreement, person, region, GRONA_EDITS)
