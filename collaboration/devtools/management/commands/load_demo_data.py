"""Load demo organisations, people and collaborations. Safe to run again: it never duplicates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from collaboration.collaborations import collaboration_archive, collaboration_end
from collaboration.cowriting.contract import Base, Edit, text_digest
from collaboration.devtools.management.commands._demo_agreements import grona_process_answers, load_agreements
from collaboration.followup.support import support_add
from collaboration.models import (
    Collaboration,
    CollaborationForm,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    Question,
    Rating,
    Role,
    Sector,
    Step,
    StepAssignment,
    StepProgress,
    StepStatus,
    Support,
    SupportKind,
)
from collaboration.phases import phase_confirm, refresh_current_phase, share_answers
from collaboration.principle_check import RatingInput, principles_rate
from collaboration.steps import step_assign, step_save
from portal.models import User
from principles.models import Principle

DEMO_PASSWORD = "samverkan-demo-2026"

ORGANISATIONS = [
    ("Halmstads kommun", Sector.PUBLIC, OrganisationKind.KOMMUN, "212000-1355", "Halmstad"),
    ("Region Halland", Sector.PUBLIC, OrganisationKind.REGION, "232100-0289", "Halland"),
    ("Föreningen Läxhjälp Halmstad", Sector.CIVIL, OrganisationKind.FORENING, "802002-8711", "Halmstad"),
    ("Stiftelsen Gröna Gårdar", Sector.CIVIL, OrganisationKind.STIFTELSE, "802400-0419", "Laholm"),
    ("Equmeniakyrkan Halmstad", Sector.CIVIL, OrganisationKind.TROSSAMFUND, "252002-6226", "Halmstad"),
]

PEOPLE = [
    ("admin@demo.samverkan.se", "Ada Administratör", None, None),
    ("samordnare@halmstad.demo.se", "Sara Samordnare", "212000-1355", Role.COORDINATOR),
    ("handlaggare@halmstad.demo.se", "Tomas Tjänsteperson", "212000-1355", Role.OFFICER),
    ("styrelse@laxhjalp.demo.se", "Britt Styrelseledamot", "802002-8711", Role.BOARD_MEMBER),
    ("samordnare@laxhjalp.demo.se", "Samir Samordnare", "802002-8711", Role.COORDINATOR),
    ("samordnare@region.demo.se", "Rut Regionsamordnare", "232100-0289", Role.COORDINATOR),
]

COLLABORATIONS: list[dict[str, Any]] = [
    {
        "title": "Läxhjälp i Centrum",
        "description": "Föreningen och kommunen vill ge fler barn i årskurs 4–9 stöd med läxorna efter skolan.",
        "form": "iop",
        "parties": ["212000-1355", "802002-8711"],
        "done_phases": ["identifiera-och-involvera"],
        "started_steps": [("planera-och-justera", "gemensam-bild")],
        # (phase, step, responsible, due in days from today): one overdue.
        "assignments": [
            ("planera-och-justera", "gemensam-bild", "styrelse@laxhjalp.demo.se", 14),
            ("planera-och-justera", "rollfordelning", "handlaggare@halmstad.demo.se", -5),
        ],
        # Both parties filled the checklist on their own and shared it; the kommun's prerequisites stay its own.
        "own_workspaces": True,
    },
    {
        "title": "Samråd om ny kulturstrategi",
        "description": "Kommunen bjuder in föreningslivet att lämna synpunkter på förslaget till kulturstrategi.",
        "form": "samrad",
        "parties": ["212000-1355", "802002-8711", "252002-6226"],
        "done_phases": [],
        "started_steps": [("identifiera-och-involvera", "problem-och-behov")],
        "assignments": [("identifiera-och-involvera", "malgrupp", "handlaggare@halmstad.demo.se", 7)],
    },
    {
        "title": "Gröna gårdar för unga vuxna",
        "description": "Ett projekt för att pröva arbetsträning på gårdar tillsammans med regionen.",
        "form": None,
        "parties": ["232100-0289", "802400-0419"],
        "done_phases": [],
        "started_steps": [],
    },
    {
        # Kommunen has asked; the förening has not answered yet, so its coordinator and board see an invitation.
        "title": "Sommarlovsaktiviteter i Halmstad",
        "description": "Kommunen vill ordna fler gratis aktiviteter för barn och unga under sommarlovet.",
        "form": "projektmedel",
        "parties": ["212000-1355"],
        "invited": ["802002-8711"],
        "done_phases": [],
        "started_steps": [],
    },
    {
        "title": "Språkcafé på biblioteket",
        "description": "Samtal på lätt svenska varje torsdag, med volontärer från församlingen.",
        "form": "verksamhetsstod",
        "parties": ["212000-1355", "252002-6226"],
        "done_phases": [],
        "started_steps": [],
        "ended": "Språkcaféet drivs vidare av församlingen på egen hand. Vi träffas igen inför hösten.",
    },
    {
        "title": "Julmarknad på gården 2025",
        "description": "En julmarknad där deltagarna i arbetsträningen sålde det de odlat.",
        "form": "projektmedel",
        "parties": ["232100-0289", "802400-0419"],
        "done_phases": [],
        "started_steps": [],
        "ended": "Marknaden hade 400 besökare. Vi gör den inte igen i samma form.",
        "archived": True,
        "ended_by": "samordnare@region.demo.se",
    },
]


DEMO_ANSWERS = [
    "Vi såg att många barn i Centrum saknar stöd med läxorna hemma. Skolan och föreningen har båda sett det.",
    "Föreningen har volontärer och lokaler på kvällstid; kommunen kan bidra med pengar till samordning och material.",
    "Vi bjuder in barnen och deras föräldrar till ett dialogmöte innan vi bestämmer upplägget.",
    "Styrelsen vill att föreningen behåller rätten att säga ifrån offentligt, även när vi får pengar från kommunen.",
    "Vi ses en gång i månaden. Samordnaren på kommunen kallar och föreningen sätter dagordningen varannan gång.",
    "Vi följer upp genom samtal och ett verksamhetsbesök per termin, inte bara med siffror.",
]


CHECKLIST_ANSWERS = {
    "kommun": [
        "Vi vill att fler barn klarar skolan. Vi har pengar för ett år och behöver någon som når familjerna.",
        "Vi tänker oss föreningen och skolan. Vi vet inte om fler vill vara med.",
    ],
    "forening": [
        "Vi vill att fler barn klarar skolan och känner sig sedda. Vi vill göra det långsiktigt, inte som ett projekt.",
        "Föreningen, skolan och föräldrarna. Barnen själva borde vara med och tycka till.",
    ],
}

PREREQUISITES_ANSWER = (
    "Ärligt talat: förvaltningen har inte bestämt om läxhjälp är en prioritet efter valet. "
    "Vi behöver förankra det hos nämnden innan vi lovar något långsiktigt."
)


class Command(BaseCommand):
    help = "Load demo data (organisations, one user per role, collaborations). Idempotent."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        organisations = {}
        for name, sector, kind, number, place in ORGANISATIONS:
            organisations[number], _ = Organisation.objects.get_or_create(
                organisation_number=number,
                defaults={
                    "name": name,
                    "sector": sector,
                    "kind": kind,
                    "municipality": place,
                    "verified_at": timezone.now(),
                },
            )
        users = {}
        for email, name, org_number, role in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            if role is None:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            elif org_number is not None:
                Membership.objects.get_or_create(
                    user=user, organisation=organisations[org_number], defaults={"role": role}
                )
            users[email] = user
        officer = users["handlaggare@halmstad.demo.se"]
        board = users["styrelse@laxhjalp.demo.se"]
        for spec in COLLABORATIONS:
            if Collaboration.objects.filter(title=spec["title"]).exists():
                continue
            collaboration = Collaboration.objects.create(
                title=spec["title"],
                description=spec["description"],
                form=CollaborationForm.objects.filter(slug=spec["form"]).first() if spec["form"] else None,
                created_by=officer,
            )
            creator = organisations[spec["parties"][0]]
            for number in spec["parties"]:
                Party.objects.create(
                    collaboration=collaboration,
                    organisation=organisations[number],
                    state=PartyState.ACCEPTED,
                    answered_at=timezone.now(),
                )
            for number in spec.get("invited", []):
                Party.objects.create(
                    collaboration=collaboration,
                    organisation=organisations[number],
                    state=PartyState.INVITED,
                    invited_by=officer,
                    invited_by_organisation=creator,
                    invited_at=timezone.now(),
                )
            for phase_slug in spec["done_phases"]:
                phase = Phase.objects.get(guide__slug="samverkansmodellen", slug=phase_slug)
                for step in Step.objects.filter(phase=phase):
                    self._answer_step(collaboration, step, officer, board, organisations, done=True)
                # Both parties agree (phase confirmations): the second confirmation completes the phase.
                for person, number in [(officer, "212000-1355"), (board, "802002-8711")]:
                    phase_confirm(
                        collaboration=collaboration, phase=phase, user=person, organisation=organisations[number]
                    )
            for phase_slug, step_slug in spec["started_steps"]:
                step = Step.objects.get(phase__guide__slug="samverkansmodellen", phase__slug=phase_slug, slug=step_slug)
                self._answer_step(collaboration, step, officer, board, organisations, done=False)
            if spec.get("own_workspaces"):
                self._own_workspaces(collaboration, officer, board, organisations)
            refresh_current_phase(collaboration)
            self._end(
                collaboration, spec, users[spec.get("ended_by", officer.email)], organisations[spec["parties"][0]]
            )
        grona_process_answers(users, organisations)
        self._agreeing(users, organisations)
        self._assign(users, officer, organisations)
        self._support(users, organisations)
        load_agreements(users, organisations)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account has the password {DEMO_PASSWORD}"))

    def _end(self, collaboration: Collaboration, spec: dict[str, Any], user: User, organisation: Organisation) -> None:
        """One ended collaboration and one archived, logged as if done in the portal."""
        if spec.get("ended"):
            collaboration_end(
                collaboration=collaboration, user=user, acting_organisation=organisation, closing_note=spec["ended"]
            )
        if spec.get("archived"):
            collaboration_archive(collaboration=collaboration, user=user, acting_organisation=organisation)

    def _assign(self, users: dict[str, User], officer: User, organisations: dict[str, Organisation]) -> None:
        """Steps with a responsible person and a due date. A step that has one keeps it on a rerun."""
        today = timezone.localdate()
        for spec in COLLABORATIONS:
            collaboration = Collaboration.objects.get(title=spec["title"])
            for phase_slug, step_slug, email, days in spec.get("assignments", []):
                step = Step.objects.get(phase__guide__slug="samverkansmodellen", phase__slug=phase_slug, slug=step_slug)
                if StepAssignment.objects.filter(collaboration=collaboration, step=step).exists():
                    continue
                step_assign(
                    collaboration=collaboration,
                    step=step,
                    responsible=users[email],
                    due_on=today + timedelta(days=days),
                    user=officer,
                    acting_organisation=organisations["212000-1355"],
                )

    def _own_workspaces(
        self, collaboration: Collaboration, officer: User, board: User, organisations: dict[str, Organisation]
    ) -> None:
        """Each party's own checklist answers, shared for the first conversation, and the kommun's own prerequisites."""
        kommun, forening = organisations["212000-1355"], organisations["802002-8711"]
        checklist = list(Step.objects.filter(phase__guide__slug="infor-forsta-samtalet").order_by("order")[:2])
        for person, org, texts in [
            (officer, kommun, CHECKLIST_ANSWERS["kommun"]),
            (board, forening, CHECKLIST_ANSWERS["forening"]),
        ]:
            for step, text in zip(checklist, texts, strict=False):
                question = Question.objects.filter(group__step=step).order_by("group__order", "order").first()
                if question is None:
                    continue
                step_save(
                    collaboration=collaboration,
                    step=step,
                    edits=[Edit(slot=question, text=text, base=Base(0, text_digest("")))],
                    writer=f"demo-{person.pk}",
                    user=person,
                    organisation=org,
                    party=org,
                )
            if checklist:
                share_answers(
                    collaboration=collaboration, phase=checklist[0].phase, organisation=org, user=person, share=True
                )
        status = Step.objects.filter(phase__guide__slug="samverkansmodellen", phase__slug="forutsattningar").first()
        question = Question.objects.filter(group__step=status).order_by("group__order", "order").first()
        if status is not None and question is not None:
            step_save(
                collaboration=collaboration,
                step=status,
                edits=[Edit(slot=question, text=PREREQUISITES_ANSWER, base=Base(0, text_digest("")))],
                writer=f"demo-{officer.pk}",
                user=officer,
                organisation=kommun,
                party=kommun,
            )

    def _answer_step(
        self,
        collaboration: Collaboration,
        step: Step,
        officer: User,
        board: User,
        organisations: dict[str, Organisation],
        *,
        done: bool,
    ) -> None:
        questions = list(Question.objects.filter(group__step=step).order_by("group__order", "order"))
        for index, question in enumerate(questions[:3]):
            person, org = (
                (officer, organisations["212000-1355"]) if index % 2 == 0 else (board, organisations["802002-8711"])
            )
            step_save(
                collaboration=collaboration,
                step=step,
                edits=[
                    Edit(
                        slot=question,
                        text=f"Vi har pratat om detta på vårt möte och är överens om en första riktning ({step.title.lower()}).",
                        base=Base(0, text_digest("")),
                    )
                ],
                writer=f"demo-{person.pk}",
                user=person,
                organisation=org,
                party=None,
                mark=StepStatus.DONE if done and index == len(questions[:3]) - 1 else None,
            )
        if done:
            StepProgress.objects.filter(collaboration=collaboration, step=step).update(status=StepStatus.DONE)

    def _support(self, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
        """Läxhjälp i Centrum's support on record: granted a year at a time for three years, with premises.

        Only when none is recorded, so an older demo database gets it too and a second run adds nothing.
        """
        laxhjalp = Collaboration.objects.filter(title="Läxhjälp i Centrum").first()
        if laxhjalp is None or Support.objects.filter(collaboration=laxhjalp).exists():
            return
        this_year = timezone.localdate().year
        for offset, amount, number in [
            (-2, 180_000, 88),
            (-1, 200_000, 91),
            (0, 220_000, 114),
        ]:
            year = this_year + offset
            support_add(
                collaboration=laxhjalp,
                organisation=organisations["212000-1355"],
                user=users["handlaggare@halmstad.demo.se"],
                starts_on=date(year, 1, 1),
                ends_on=date(year, 12, 31),
                kind=SupportKind.CORE,
                amount=amount,
                premises=True,
                expertise=offset == 0,
                other_support="Skolans bibliotek två kvällar i veckan" if offset == 0 else "",
                decision_reference=f"KS {year}/{number}",
            )

    def _agreeing(self, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
        """Phase confirmations and principle ratings; only what is missing, so older demo databases get them too.

        Läxhjälp i Centrum: phase 1 confirmed by both parties, the principles rated by both,
        differing on one (långsiktighet). Gröna gårdar: phase 1 confirmed by the region and
        awaiting the stiftelse.
        """
        officer = users["handlaggare@halmstad.demo.se"]
        board = users["styrelse@laxhjalp.demo.se"]
        region_coordinator = users["samordnare@region.demo.se"]
        phase_1 = Phase.objects.get(guide__slug="samverkansmodellen", slug="identifiera-och-involvera")
        laxhjalp = Collaboration.objects.filter(title="Läxhjälp i Centrum").first()
        if laxhjalp is not None:
            for person, number in [(officer, "212000-1355"), (board, "802002-8711")]:
                PhaseConfirmation.objects.get_or_create(
                    collaboration=laxhjalp,
                    phase=phase_1,
                    organisation=organisations[number],
                    defaults={"confirmed_by": person},
                )
            if not laxhjalp.principle_ratings.exists():
                for person, number, creaks, comment in [
                    (officer, "212000-1355", Rating.TALK, "Vi vet inte än om pengarna finns kvar efter nästa år."),
                    (board, "802002-8711", Rating.CREAKS, "Vi får bara besked ett år i taget och kan inte lova något."),
                ]:
                    principles_rate(
                        collaboration=laxhjalp,
                        user=person,
                        organisation=organisations[number],
                        ratings=[
                            RatingInput(
                                principle=p,
                                rating=creaks if p.slug == "langsiktighet" else Rating.WORKS,
                                comment=comment if p.slug == "langsiktighet" else "",
                            )
                            for p in Principle.objects.all()
                        ],
                    )
        grona = Collaboration.objects.filter(title="Gröna gårdar för unga vuxna").first()
        if grona is not None and not PhaseCompletion.objects.filter(collaboration=grona, phase=phase_1).exists():
            for step in Step.objects.filter(phase=phase_1):
                StepProgress.objects.update_or_create(
                    collaboration=grona,
                    step=step,
                    defaults={
                        "status": StepStatus.DONE,
                        "updated_by": region_coordinator,
                        "updated_by_organisation": organisations["232100-0289"],
                    },
                )
            phase_confirm(
                collaboration=grona,
                phase=phase_1,
                user=region_coordinator,
                organisation=organisations["232100-0289"],
            )
