"""The data set behind `seed_scale`: organisations, people and collaborations at scale, built in memory.

Every row is made as a model instance from one seeded `random.Random` and written a model at a
time (PostgreSQL's COPY, `bulk_create` elsewhere), a thousand collaborations per write, so the full
set costs few round trips and bounded memory. The rows follow the
rules the workflows keep (see collaboration/steps.py, phases.py, parties.py and the agreement workflows):
an answer's version is its latest revision's, a completed phase has a confirmation from every
party that was in, a version's hash is computed by the model's own `canonical_json`/`sha256_of`,
an approval names its version's hash, an adopted agreement was approved by every accepted party.
Who did what is in the activity log, with the summaries the workflows write.

Seeded rows are found again by the e-mail domain SEED_DOMAIN: every seeded organisation's contact
address and every seeded person's address end with it.

Long because: one builder per kind of row, each bound to the rules above, reads best in one file in the
order the rows depend on each other; split, the order would be lost across files.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum import luhn

from collaboration.agreement.versions import snapshot_of
from collaboration.devtools.management.commands import _seed_texts as words
from collaboration.followup.support import describe
from collaboration.models import (
    Activity,
    ActivityKind,
    Adoption,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementState,
    AgreementText,
    AgreementTextRevision,
    AgreementVersion,
    Answer,
    AnswerMode,
    AnswerRevision,
    Approval,
    ChangeRequest,
    Collaboration,
    CollaborationForm,
    FormChoice,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Phase,
    PhaseCompletion,
    PhaseConfirmation,
    PhaseKind,
    Question,
    Role,
    SectionKind,
    Sector,
    SharedPhase,
    Status,
    Step,
    StepAssignment,
    StepProgress,
    StepStatus,
    Support,
    SupportKind,
)
from collaboration.models.agreements import canonical_json, sha256_of
from portal.models import EmailChoice, User

SEED_DOMAIN = "skala.example.se"
PASSWORD = "skala-losen-2026"
MODEL_GUIDE = "samverkansmodellen"
CHECKLIST_GUIDE = "infor-forsta-samtalet"

KOMMUN_NAME = "Skalkommunen"
FORENING_NAME = "Skalföreningen Tvåtusen"
# The fixed accounts the load benchmark signs in with: (e-mail, name, organisation index, role, approves).
FIXED_PEOPLE = [
    (f"samordnare@alla.{SEED_DOMAIN}", "Sanna Samordnare", 0, Role.COORDINATOR, False),
    (f"handlaggare@alla.{SEED_DOMAIN}", "Harald Handläggare", 0, Role.OFFICER, True),
    (f"samordnare@tvatusen.{SEED_DOMAIN}", "Tilda Samordnare", 1, Role.COORDINATOR, False),
    (f"styrelse@tvatusen.{SEED_DOMAIN}", "Stig Styrelseledamot", 1, Role.BOARD_MEMBER, False),
]
# The förening shares a fifth of the collaborations with the kommun, at most this many.
SHARED_AT_MOST = 2000

# Organisation number prefixes (four digits; digits 3-4 are 20 or more, as organisations' are).
NUMBER_PREFIX: dict[str, str] = {
    OrganisationKind.KOMMUN: "2120",
    OrganisationKind.REGION: "2321",
    OrganisationKind.MYNDIGHET: "2021",
    OrganisationKind.FORENING: "8020",
    OrganisationKind.STIFTELSE: "8024",
    OrganisationKind.TROSSAMFUND: "2520",
    OrganisationKind.EKONOMISK: "7696",
    OrganisationKind.SOCIALT_FORETAG: "5568",
}
# How many people an organisation has, relative to others (a förening: 1.5).
ORGANISATION_SIZE: dict[str, float] = {
    OrganisationKind.KOMMUN: 6,
    OrganisationKind.REGION: 5,
    OrganisationKind.MYNDIGHET: 3,
}
PUBLIC_KIND_WEIGHTS = [(OrganisationKind.KOMMUN, 6), (OrganisationKind.REGION, 1), (OrganisationKind.MYNDIGHET, 3)]
CIVIL_KIND_WEIGHTS = [
    (OrganisationKind.FORENING, 50),
    (OrganisationKind.STIFTELSE, 15),
    (OrganisationKind.TROSSAMFUND, 15),
    (OrganisationKind.EKONOMISK, 10),
    (OrganisationKind.SOCIALT_FORETAG, 10),
]


def seeded_organisations() -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(contact_email__endswith=f".{SEED_DOMAIN}")


def seeded_people() -> models.QuerySet[User]:
    return User.objects.filter(email__endswith=f".{SEED_DOMAIN}")


def seeded_collaborations() -> models.QuerySet[Collaboration]:
    """Collaborations whose every party is a seeded organisation: nothing anybody else wrote in."""
    seeded = seeded_organisations().values("pk")
    return Collaboration.objects.filter(parties__organisation__in=seeded).exclude(
        parties__organisation__in=Organisation.objects.exclude(pk__in=seeded).values("pk")
    )


def delete_seeded() -> None:
    """Delete what an earlier run seeded, leaf tables first, each in one statement.

    Approvals and the agreement's version pointers protect the versions, so they go first;
    deleting the big tables directly (no signals are connected to them) spares Django's collector
    from loading hundreds of thousands of rows to cascade through.
    """
    collaborations = list(seeded_collaborations().values_list("pk", flat=True).distinct())
    within = {"collaboration__in": collaborations}
    Agreement.objects.filter(**within).update(latest_version=None, adopted_version=None)
    for queryset in [
        Activity.objects.filter(**within),
        AnswerRevision.objects.filter(answer__collaboration__in=collaborations),
        Answer.objects.filter(**within),
        StepProgress.objects.filter(**within),
        StepAssignment.objects.filter(**within),
        PhaseConfirmation.objects.filter(**within),
        PhaseCompletion.objects.filter(**within),
        SharedPhase.objects.filter(**within),
        Support.objects.filter(**within),
        Adoption.objects.filter(agreement__collaboration__in=collaborations),
        Approval.objects.filter(version__agreement__collaboration__in=collaborations),
        ChangeRequest.objects.filter(version__agreement__collaboration__in=collaborations),
        AgreementComment.objects.filter(version__agreement__collaboration__in=collaborations, parent__isnull=False),
        AgreementComment.objects.filter(version__agreement__collaboration__in=collaborations),
        AgreementTextRevision.objects.filter(agreement_text__agreement__collaboration__in=collaborations),
        AgreementText.objects.filter(agreement__collaboration__in=collaborations),
        AgreementVersion.objects.filter(agreement__collaboration__in=collaborations),
    ]:
        queryset._raw_delete(queryset.db)  # type: ignore[attr-defined]
    # What remains (agreements, parties, form choices, anything added since) goes through the collector.
    Collaboration.objects.filter(pk__in=collaborations).delete()
    people = seeded_people()
    Membership.objects.filter(Q(user__in=people) | Q(organisation__in=seeded_organisations())).delete()
    people.delete()
    seeded_organisations().delete()


@contextmanager
def stamped_by_hand(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let the seed set `auto_now`/`auto_now_add` times itself, so a history spreads over months, not seconds."""
    changed: list[tuple[Any, bool, bool]] = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))  # type: ignore[attr-defined]
                f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass(frozen=True)
class Sizes:
    organisations: int = 300
    people: int = 3000
    collaborations: int = 10_000
    agreements: int = 2000

    @property
    def shared(self) -> int:
        return min(SHARED_AT_MOST, max(1, self.collaborations // 5))


@dataclass
class OrgInfo:
    organisation: Organisation
    members: list[Membership] = field(default_factory=list)

    @property
    def active(self) -> list[Membership]:
        return [m for m in self.members if m.is_active]

    def answerers(self) -> list[Membership]:
        """Who may answer an invitation for it: coordinators, and board members of a civil-society organisation."""
        roles = (
            (Role.COORDINATOR, Role.BOARD_MEMBER) if self.organisation.sector == Sector.CIVIL else (Role.COORDINATOR,)
        )
        return [m for m in self.active if m.role in roles]

    def approvers(self) -> list[Membership]:
        """Who may approve for it (the rule in `may_approve`)."""
        if self.organisation.sector == Sector.CIVIL:
            return [m for m in self.active if m.role in (Role.BOARD_MEMBER, Role.COORDINATOR)]
        return [
            m for m in self.active if m.role == Role.COORDINATOR or (m.role == Role.OFFICER and m.approves_agreements)
        ]


class Clock:
    """A collaboration's time line: each tick moves on by about an even share of its span."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime, events: int) -> None:
        self.rng, self.now, self.end = rng, start, end
        self.step = (end - start) / max(events, 1)

    def tick(self, scale: float = 1.0) -> datetime:
        self.now = min(self.now + self.step * self.rng.uniform(0.2, 1.6) * scale, self.end)
        return self.now


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, n: int) -> None:
        self.rows[label] = self.rows.get(label, 0) + n


class Seeder:
    def __init__(self, *, seed: int, sizes: Sizes, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.sizes = sizes
        # Times are whole days back from the start of today, so one seed gives one data set a day.
        self.now = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.today = self.now.date()
        self.rows: dict[type[models.Model], list[Any]] = {}
        self.counts = Counts()
        # Each agreement's latest and adopted version, set once the versions are written.
        self.pointers: list[tuple[Agreement, AgreementVersion | None, AgreementVersion | None]] = []
        self._load_guidance()

    # --- helpers ---------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, obj: models.Model) -> Any:
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def weighted(self, pairs: list[tuple[Any, int]]) -> Any:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def _load_guidance(self) -> None:
        phases = list(Phase.objects.filter(guide__slug__in=[MODEL_GUIDE, CHECKLIST_GUIDE]).order_by("pk"))
        self.joint_phases = sorted(
            (p for p in phases if p.guide.slug == MODEL_GUIDE and p.kind == PhaseKind.PHASE), key=lambda p: p.order
        )
        self.prerequisites = next(p for p in phases if p.answer_mode == AnswerMode.PUBLIC_PARTY)
        self.checklist = next(p for p in phases if p.guide.slug == CHECKLIST_GUIDE)
        steps = list(Step.objects.filter(phase__in=phases).order_by("phase__order", "order", "pk"))
        self.steps: dict[int, list[Step]] = {}
        for step in steps:
            self.steps.setdefault(step.phase_id, []).append(step)
        self.questions: dict[int, list[Question]] = {}
        for question in Question.objects.filter(group__step__in=steps).order_by("group__order", "order", "pk"):
            self.questions.setdefault(question.group.step_id, []).append(question)
        self.forms = list(CollaborationForm.objects.order_by("order", "slug"))
        self.sections = list(
            AgreementSection.objects.filter(is_active=True, kind=SectionKind.TEXT).order_by("order", "pk")
        )

    # --- organisations and people -----------------------------------------------------------

    def organisations(self) -> None:
        rng = self.rng
        places = [start + end.lower() for start in words.PLACE_STARTS for end in words.PLACE_ENDS]
        places = [p[0].upper() + p[1:] for p in places]
        rng.shuffle(places)
        taken = set(
            Organisation.objects.exclude(pk__in=seeded_organisations()).values_list("organisation_number", flat=True)
        )
        names: set[str] = set()
        self.orgs: list[OrgInfo] = []
        specs = [
            (KOMMUN_NAME, OrganisationKind.KOMMUN, "alla", "Skalby"),
            (FORENING_NAME, OrganisationKind.FORENING, "tvatusen", "Skalby"),
        ]
        for index in range(2, self.sizes.organisations):
            place = places[index % len(places)]
            kind = self.weighted(PUBLIC_KIND_WEIGHTS) if rng.random() < 0.3 else self.weighted(CIVIL_KIND_WEIGHTS)
            specs.append((self._org_name(kind, place), kind, f"org{index:03d}", place))
        for name, kind, label, place in specs:
            base, n = name, 2
            while name in names:
                name, n = f"{base} {n}", n + 1
            names.add(name)
            number = self._organisation_number(kind, taken)
            sector = (
                Sector.PUBLIC
                if kind in (OrganisationKind.KOMMUN, OrganisationKind.REGION, OrganisationKind.MYNDIGHET)
                else Sector.CIVIL
            )
            created = self.now - timedelta(days=rng.randint(800, 1200))
            organisation = Organisation(
                code=self.uuid(),
                name=name,
                sector=sector,
                kind=kind,
                organisation_number=number,
                municipality=place,
                contact_email=f"info@{label}.{SEED_DOMAIN}",
                verified_at=created,
                has_local_compact=kind in (OrganisationKind.KOMMUN, OrganisationKind.REGION) and rng.random() < 0.5,
                created_at=created,
            )
            if organisation.has_local_compact:
                organisation.local_compact_since = rng.randint(2012, 2025)
            self.orgs.append(OrgInfo(self.add(organisation)))
        self.kommun, self.forening = self.orgs[0], self.orgs[1]

    def _org_name(self, kind: str, place: str) -> str:
        rng = self.rng
        if kind == OrganisationKind.KOMMUN:
            return f"{place} kommun"
        if kind == OrganisationKind.REGION:
            return f"Region {place}"
        if kind == OrganisationKind.MYNDIGHET:
            return rng.choice(words.AGENCIES).format(place=place)
        if kind == OrganisationKind.FORENING:
            return f"{rng.choice(words.ASSOCIATION_TOPICS)}föreningen i {place}"
        if kind == OrganisationKind.STIFTELSE:
            return f"Stiftelsen {rng.choice(words.FOUNDATION_NOUNS)} {place}"
        if kind == OrganisationKind.TROSSAMFUND:
            return rng.choice(words.FAITH).format(place=place)
        if kind == OrganisationKind.EKONOMISK:
            return rng.choice(words.COOPERATIVES).format(place=place)
        return rng.choice(words.SOCIAL_ENTERPRISES).format(place=place)

    def _organisation_number(self, kind: str, taken: set[str]) -> str:
        while True:
            body = NUMBER_PREFIX[kind] + f"{self.rng.randrange(100_000):05d}"
            number = f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"
            if number not in taken:
                taken.add(number)
                return number

    def people(self, password_hash: str) -> None:
        rng = self.rng
        self.users: list[User] = []
        used_emails: set[str] = set()

        def person(email: str, name: str, joined: datetime) -> User:
            user = User(
                email=email,
                full_name=name,
                password=password_hash,
                date_joined=joined,
                email_notifications=self.weighted(
                    [(EmailChoice.DIRECT, 6), (EmailChoice.DAILY, 3), (EmailChoice.NEVER, 1)]
                ),
            )
            used_emails.add(email)
            self.users.append(self.add(user))
            return user

        def member(user: User, info: OrgInfo, role: str, *, approves: bool = False, active: bool = True) -> None:
            info.members.append(
                self.add(
                    Membership(
                        code=self.uuid(),
                        user=user,
                        organisation=info.organisation,
                        role=role,
                        approves_agreements=approves,
                        is_active=active,
                        created_at=user.date_joined,
                    )
                )
            )

        for email, name, org_index, role, approves in FIXED_PEOPLE:
            info = self.orgs[org_index]
            member(person(email, name, info.organisation.created_at), info, role, approves=approves)

        def generated(info: OrgInfo, n: int) -> User:
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            local = f"{first}.{last}.{n}".lower().translate(str.maketrans("åäöé", "aaoe"))
            label = info.organisation.contact_email.split("@")[1]
            joined = info.organisation.created_at + timedelta(days=rng.randint(0, 300))
            return person(f"{local}@{label}", f"{first} {last}", joined)

        # Every other organisation has a coordinator; the rest of the people spread by organisation size.
        serial = 0
        for info in self.orgs[2:]:
            serial += 1
            member(generated(info, serial), info, Role.COORDINATOR)
        weights = []
        for index, info in enumerate(self.orgs):
            kind = info.organisation.kind
            weight = ORGANISATION_SIZE.get(kind, 1.5)
            weights.append(12 if index == 0 else 4 if index == 1 else weight)
        remaining = self.sizes.people - len(self.users)
        for info in rng.choices(self.orgs, weights=weights, k=max(0, remaining)):
            serial += 1
            user = generated(info, serial)
            if info.organisation.sector == Sector.PUBLIC:
                role = self.weighted([(Role.OFFICER, 8), (Role.COORDINATOR, 1)])
                approves = role == Role.OFFICER and rng.random() < 0.2
            else:
                role, approves = (
                    self.weighted([(Role.BOARD_MEMBER, 7), (Role.COORDINATOR, 1), (Role.OFFICER, 2)]),
                    False,
                )
            member(user, info, role, approves=approves, active=rng.random() > 0.02)
            # Some people sit in a second organisation (a board member of a förening who works at the kommun).
            if rng.random() < 0.05:
                other = rng.choice(self.orgs[2:]) if len(self.orgs) > 2 else info
                if other is not info:
                    member(
                        user, other, Role.BOARD_MEMBER if other.organisation.sector == Sector.CIVIL else Role.OFFICER
                    )
        self.public_orgs = [o for o in self.orgs[2:] if o.organisation.sector == Sector.PUBLIC]
        self.civil_orgs = [o for o in self.orgs[2:] if o.organisation.sector == Sector.CIVIL]
        if not self.civil_orgs:
            self.civil_orgs = [self.forening]

    # --- collaborations ----------------------------------------------------------------------

    def collaborations(self) -> None:
        rng, sizes = self.rng, self.sizes
        shared = set(rng.sample(range(sizes.collaborations), sizes.shared))
        # Which collaborations get an agreement: the first shared ones are scripted (see SCRIPTED),
        # the rest are drawn among those that got far enough to write one.
        self.scripted = sorted(shared)[: min(len(SCRIPTED), sizes.agreements)]
        titles: dict[str, int] = {}
        self.plans: list[Plan] = []
        for index in range(sizes.collaborations):
            self.plans.append(self._plan(index, index in shared, titles))
        candidates = [p for p in self.plans if p.index not in self.scripted]
        rng.shuffle(candidates)
        candidates.sort(key=lambda p: p.completed == 0)  # those with a phase done come first (stable)
        with_agreement = {p.index for p in candidates[: sizes.agreements - len(self.scripted)]}
        for plan in self.plans:
            script = SCRIPTED[self.scripted.index(plan.index)] if plan.index in self.scripted else None
            self._build(plan, script=script, agreement=script is not None or plan.index in with_agreement)
            if (plan.index + 1) % FLUSH_EVERY == 0:
                self.flush()

    def _plan(self, index: int, shared: bool, titles: dict[str, int]) -> Plan:
        rng = self.rng
        stem, need, target = rng.choice(words.THEMES)
        place = rng.choice(self.orgs[2:] or self.orgs).organisation.municipality
        title = f"{stem} i {place}"
        if rng.random() < 0.3:
            title += f" {rng.randint(2025, 2027)}"
        titles[title] = titles.get(title, 0) + 1
        if titles[title] > 1:
            title = f"{title} – del {titles[title]}"
        others: list[tuple[OrgInfo, str]] = []
        if shared:
            others.append((self.forening, PartyState.ACCEPTED))
        else:
            others.append((rng.choice(self.civil_orgs), PartyState.ACCEPTED))
        for _n in range(self.weighted([(0, 5), (1, 3), (2, 2)])):
            pool = self.public_orgs if rng.random() < 0.35 and self.public_orgs else self.civil_orgs
            candidate = rng.choice(pool)
            if candidate in [o for o, _s in others]:
                continue
            state = self.weighted(
                [(PartyState.ACCEPTED, 80), (PartyState.INVITED, 8), (PartyState.DECLINED, 6), (PartyState.LEFT, 6)]
            )
            others.append((candidate, state))
        completed = self.weighted([(0, 35), (1, 30), (2, 20), (3, 15)])
        ended = rng.random() < (0.06 + 0.08 * completed)
        return Plan(
            index=index,
            title=title,
            need=need,
            target=target,
            place=place,
            shared=shared,
            others=others,
            completed=completed,
            ended=ended,
            archived=ended and rng.random() < 0.4,
        )

    def _build(self, plan: Plan, *, script: dict[str, Any] | None, agreement: bool) -> None:
        rng = self.rng
        if script is not None:
            plan.completed, plan.ended, plan.archived = script["completed"], False, False
        created = self.now - timedelta(days=rng.uniform(60, 720))
        end = self.now - timedelta(days=rng.uniform(0.1, 20))
        events = 6 + 6 * plan.completed + (14 if agreement else 0)
        clock = Clock(rng, created, end, events)
        kommun = self.kommun
        creator_org = kommun if rng.random() < 0.6 else plan.others[0][0]
        creator = self._pick(creator_org, fixed=plan.shared)
        form = rng.choice(self.forms) if self.forms and rng.random() < 0.85 else None
        starts = (created + timedelta(days=rng.randint(14, 120))).date() if rng.random() < 0.85 else None
        ends = starts + timedelta(days=rng.randint(90, 730)) if starts else None
        fill = {
            "need": plan.need,
            "target": plan.target,
            "place": plan.place,
            "public": kommun.organisation.name,
            "civil": plan.others[0][0].organisation.name,
        }
        collaboration = self.add(
            Collaboration(
                code=self.uuid(),
                title=plan.title,
                description=rng.choice(words.DESCRIPTIONS).format(**fill),
                form=form,
                starts_on=starts,
                ends_on=ends,
                status=Status.PLANNED,
                created_by=creator,
                created_at=created,
                updated_at=created,
            )
        )
        c = Context(self, plan, collaboration, clock, fill)
        # Parties: the creator's organisation is in from the start, the others are invited and answer.
        parties = [(kommun, PartyState.ACCEPTED), *plan.others]
        for info, state in parties:
            party = Party(
                collaboration=collaboration,
                organisation=info.organisation,
                state=state,
                joined_at=created,
                reference=f"KS {created.year}/{rng.randint(1, 9999):04d}"
                if info.organisation.sector == Sector.PUBLIC
                else "",
            )
            if info is creator_org:
                party.answered_at, party.answered_by, party.contact = created, creator, creator
            else:
                party.invited_by, party.invited_by_organisation, party.invited_at = (
                    creator,
                    creator_org.organisation,
                    created,
                )
                c.log(
                    ActivityKind.PARTY_INVITED,
                    creator,
                    creator_org,
                    _("%(org)s bjöd in %(invited)s")
                    % {"org": creator_org.organisation.name, "invited": info.organisation.name},
                    at=created,
                )
                if state != PartyState.INVITED:
                    answerer = self._pick(info, fixed=plan.shared, answerer=True)
                    party.answered_at, party.answered_by = clock.tick(0.3), answerer
                    accepted = state != PartyState.DECLINED
                    if accepted:
                        party.contact = answerer
                    c.log(
                        ActivityKind.PARTY_ACCEPTED if accepted else ActivityKind.PARTY_DECLINED,
                        answerer,
                        info,
                        (_("%(org)s accepterade inbjudan") if accepted else _("%(org)s tackade nej"))
                        % {"org": info.organisation.name},
                        message="",
                    )
            c.parties.append((info, party))
            self.add(party)
        c.in_ = [info for info, party in c.parties if party.state in (PartyState.ACCEPTED, PartyState.LEFT)]
        if form is not None and rng.random() < 0.6:
            chooser = c.person()
            self.add(
                FormChoice(
                    collaboration=collaboration,
                    form=form,
                    answers={},
                    reason=f"Formen passar eftersom {plan.need}.",
                    chosen_by=chooser[0],
                    chosen_by_organisation=chooser[1].organisation,
                    chosen_at=clock.tick(0.5),
                )
            )
            c.log(
                ActivityKind.FORM_CHOSEN,
                chooser[0],
                chooser[1],
                _("valde samverkansformen ”%(form)s”") % {"form": form.name},
                form=form.slug,
            )
        # Each party's own checklist before the first conversation, some of it shared with the others.
        if rng.random() < 0.2:
            for info in c.in_:
                for step in rng.sample(self.steps[self.checklist.pk], rng.randint(1, 3)):
                    c.work_step(step, party=info, done=rng.random() < 0.5)
                if rng.random() < 0.5:
                    who = self._pick(info, fixed=plan.shared)
                    self.add(
                        SharedPhase(
                            collaboration=collaboration,
                            phase=self.checklist,
                            organisation=info.organisation,
                            shared_by=who,
                            shared_at=clock.tick(0.3),
                        )
                    )
                    c.log(
                        ActivityKind.SHARED,
                        who,
                        info,
                        _("%(org)s delade sina svar i ”%(phase)s” med de andra parterna")
                        % {"org": info.organisation.name, "phase": self.checklist.title},
                    )
        # The kommun's own prerequisites (never shown to the civil-society parties).
        if rng.random() < 0.3 or script is not None:
            for step in self.steps[self.prerequisites.pk][: rng.randint(1, 3)]:
                c.work_step(step, party=kommun, done=rng.random() < 0.4)
        # The model's phases: the completed ones fully, then a few steps of the current one.
        if rng.random() < 0.5:
            self._support(c, starts or created.date(), ends, project=bool(form and form.slug == "projektmedel"))
        for phase in self.joint_phases[: plan.completed]:
            for step in self.steps[phase.pk]:
                c.work_step(step, party=None, done=True)
            c.confirm(phase, complete=True)
        current = self.joint_phases[plan.completed] if plan.completed < len(self.joint_phases) else None
        started = 0
        if current is not None:
            steps = self.steps[current.pk]
            if plan.completed or rng.random() < 0.6:
                started = rng.randint(1, len(steps))
            for step in steps[:started]:
                c.work_step(step, party=None, done=rng.random() < 0.5 or started == len(steps))
            if started == len(steps) and rng.random() < 0.5:
                c.confirm(current, complete=False)  # one party has agreed; the others are awaited
            if not plan.ended:
                for step in steps:
                    if rng.random() < 0.5 or (script is not None):
                        c.assign(step)
        collaboration.current_phase = current
        if current is None:
            collaboration.status = Status.FINISHED
        elif plan.completed or started or rng.random() < 0.3:
            collaboration.status = Status.ONGOING
        if agreement:
            AgreementBuilder(c).build(script or self._agreement_script())
        for info, party in c.parties:
            if party.state == PartyState.LEFT:
                who = self._pick(info, fixed=plan.shared)
                party.left_at, party.left_by = clock.tick(0.5), who
                c.log(
                    ActivityKind.PARTY_LEFT,
                    who,
                    info,
                    _("%(org)s lämnade samverkan") % {"org": info.organisation.name},
                    message="",
                )
        if plan.ended:
            who, info = c.person(public=True)
            collaboration.ended_at = clock.tick()
            collaboration.status = Status.FINISHED
            collaboration.closing_note = rng.choice(words.CLOSING_NOTES)
            c.log(
                ActivityKind.COLLABORATION_ENDED,
                who,
                info,
                _("Avslutade samverkan"),
                closing_note=collaboration.closing_note,
            )
            if plan.archived:
                collaboration.archived_at = clock.tick(0.5)
                c.log(ActivityKind.COLLABORATION_ARCHIVED, who, info, _("Arkiverade samverkan"))
        collaboration.updated_at = clock.now

    def _support(self, c: Context, first: date, last: date | None, *, project: bool) -> None:
        """The kommun's support on record, granted a calendar year at a time, as its officers record it."""
        rng = self.rng
        end_year = min((last or self.now.date()).year, self.now.year)
        for year in range(first.year, max(end_year, first.year) + 1):
            who, info = c.person(public=True)
            support = self.add(
                Support(
                    collaboration=c.collaboration,
                    organisation=self.kommun.organisation,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                    kind=SupportKind.PROJECT if project else SupportKind.CORE,
                    amount=rng.randrange(20, 900) * 1000 if rng.random() < 0.9 else None,
                    premises=rng.random() < 0.4,
                    expertise=rng.random() < 0.2,
                    staff_time=rng.random() < 0.2,
                    decision_reference=f"KS {year}/{rng.randint(1, 9999):04d}",
                    created_by=who,
                    created_at=c.clock.now,
                    updated_at=c.clock.now,
                )
            )
            if support.amount is None and not (support.premises or support.expertise or support.staff_time):
                support.premises = True
            c.log(
                ActivityKind.SUPPORT_RECORDED,
                who,
                info,
                _("registrerade stöd från %(org)s: %(what)s")
                % {"org": self.kommun.organisation.name, "what": describe(support)},
            )

    def _agreement_script(self) -> dict[str, Any]:
        state = self.weighted([("adopted", 40), ("revising", 5), ("review", 30), ("draft", 25)])
        if state == "draft":
            return {"state": state, "versions": self.weighted([(0, 7), (1, 3)])}
        return {"state": state, "versions": self.weighted([(1, 50), (2, 35), (3, 15)])}

    def _pick(self, info: OrgInfo, *, fixed: bool = False, approver: bool = False, answerer: bool = False) -> User:
        """Someone acting for the organisation: more often the fixed accounts in the shared collaborations."""
        pool = info.approvers() if approver else info.answerers() if answerer else info.active
        pool = pool or info.active or info.members
        if fixed and info in (self.kommun, self.forening) and self.rng.random() < 0.6:
            # The fixed accounts are the organisation's first two members, in every pool.
            return self.rng.choice(pool[:2]).user
        return self.rng.choice(pool).user

    def flush(self) -> None:
        """Write the rows made so far, parents before children; the version pointers of agreements last.

        Called every FLUSH_EVERY collaborations, so that memory holds a slice of the set, not all of it.
        """
        for model in WRITE_ORDER:
            rows = self.rows.pop(model, [])
            if model is Activity:
                for activity in rows:
                    if isinstance(activity.data.get("responsible"), User):
                        activity.data["responsible"] = activity.data["responsible"].pk
            if connection.vendor == "postgresql":
                copy_rows(model, rows)
            elif model is AgreementComment:
                # Replies point at their thread's first comment: those get their pks first.
                model._default_manager.bulk_create([r for r in rows if r.parent is None], batch_size=2000)
                model._default_manager.bulk_create([r for r in rows if r.parent is not None], batch_size=2000)
            else:
                model._default_manager.bulk_create(rows, batch_size=2000)
            self.counts.add(model.__name__, len(rows))
        for agreement, latest, adopted in self.pointers:
            agreement.latest_version = latest
            agreement.adopted_version = adopted
        Agreement.objects.bulk_update(
            [a for a, _latest, _adopted in self.pointers], ["latest_version", "adopted_version"], batch_size=2000
        )
        # The record of each adoption, as the approval that completed it writes one.
        adoptions = [
            Adoption(agreement=a, version=adopted, version_sha256=adopted.sha256, adopted_at=a.adopted_at)
            for a, _latest, adopted in self.pointers
            if adopted is not None and a.adopted_at is not None
        ]
        Adoption.objects.bulk_create(adoptions, batch_size=2000)
        self.counts.add("Adoption", len(adoptions))
        self.pointers = []


# Parents before children: each table is written once its parents have their pks.
WRITE_ORDER: list[type[models.Model]] = [
    Organisation,
    User,
    Membership,
    Collaboration,
    Party,
    Support,
    FormChoice,
    SharedPhase,
    Answer,
    AnswerRevision,
    StepProgress,
    PhaseConfirmation,
    PhaseCompletion,
    StepAssignment,
    Agreement,
    AgreementText,
    AgreementTextRevision,
    AgreementVersion,
    Approval,
    ChangeRequest,
    AgreementComment,
    Activity,
]

# Collaborations built between two writes: bounds the memory a full run needs.
FLUSH_EVERY = 1000


@dataclass
class Plan:
    index: int
    title: str
    need: str
    target: str
    place: str
    shared: bool
    others: list[tuple[OrgInfo, str]]
    completed: int
    ended: bool
    archived: bool


# The first shared collaborations (the kommun and the förening together) are scripted, so that the
# fixed accounts always find: an agreement adopted after two versions; one under review in version 2 that
# the kommun has approved and the förening's board may still approve; one under review in version 1 with
# comments; and a draft.
SCRIPTED: list[dict[str, Any]] = [
    {"completed": 2, "state": "adopted", "versions": 2},
    {"completed": 2, "state": "review", "versions": 2, "approved_by": [0]},
    {"completed": 1, "state": "review", "versions": 1, "approved_by": []},
    {"completed": 1, "state": "draft", "versions": 0},
]


class Context:
    """One collaboration being built: its parties, its clock and its log."""

    def __init__(self, seeder: Seeder, plan: Plan, collaboration: Collaboration, clock: Clock, fill: dict[str, str]):
        self.s, self.plan, self.collaboration, self.clock, self.fill = seeder, plan, collaboration, clock, fill
        self.rng = seeder.rng
        self.parties: list[tuple[OrgInfo, Party]] = []
        self.in_: list[OrgInfo] = []

    def log(
        self,
        kind: str,
        actor: User | None,
        info: OrgInfo | None,
        summary: str,
        *,
        at: datetime | None = None,
        **data: Any,
    ) -> None:
        self.s.add(
            Activity(
                collaboration=self.collaboration,
                kind=kind,
                actor=actor,
                organisation=info.organisation if info else None,
                summary=str(summary)[:500],
                data=data,
                created_at=at or self.clock.now,
            )
        )

    def person(self, *, public: bool = False) -> tuple[User, OrgInfo]:
        pool = [i for i in self.in_ if i.organisation.sector == Sector.PUBLIC] if public else self.in_
        info = self.rng.choice(pool or self.in_)
        return self.s._pick(info, fixed=self.plan.shared), info

    def text(self, sentences: int) -> list[str]:
        return [s.format(**self.fill) for s in self.rng.sample(words.ANSWER_SENTENCES, sentences)]

    def work_step(self, step: Step, *, party: OrgInfo | None, done: bool) -> None:
        """Answers to some of the step's questions, written in rounds by the parties' people, and the step's status."""
        rng = self.rng
        questions = self.s.questions.get(step.pk, [])
        if not questions:
            return
        chosen = rng.sample(questions, max(1, min(len(questions), rng.randint(2, 5))))
        writers = [party] if party is not None else self.in_
        rounds: list[tuple[User, OrgInfo, datetime, str]] = []
        for _n in range(self.s.weighted([(1, 50), (2, 30), (3, 15), (4, 5)])):
            info = rng.choice(writers)
            rounds.append(
                (
                    self.s._pick(info, fixed=self.plan.shared),
                    info,
                    self.clock.tick(0.4),
                    f"skala-{rng.getrandbits(48):012x}",
                )
            )
        for question in chosen:
            sentences = self.text(min(len(words.ANSWER_SENTENCES), 1 + len(rounds) + rng.randint(0, 2)))
            count = rng.randint(1, len(rounds))
            answer = Answer(
                collaboration=self.collaboration,
                question=question,
                party_organisation=party.organisation if party else None,
            )
            for number in range(1, count + 1):
                user, info, at, writer = rounds[number - 1]
                text = " ".join(sentences[: len(sentences) - count + number])
                self.s.add(
                    AnswerRevision(
                        answer=answer,
                        number=number,
                        version=number,
                        text=text,
                        author=user,
                        organisation=info.organisation,
                        writer=writer,
                        created_at=at,
                        updated_at=at,
                    )
                )
                answer.text, answer.version, answer.updated_by, answer.updated_by_organisation, answer.updated_at = (
                    text,
                    number,
                    user,
                    info.organisation,
                    at,
                )
            self.s.add(answer)
        for user, info, at, _writer in rounds:
            self.log(
                ActivityKind.STEP_SAVED,
                user,
                info,
                _("skrev i steget ”%(step)s”") % {"step": step.title},
                at=at,
                step=step.pk,
            )
        user, info, at, _writer = rounds[-1]
        status = StepStatus.DONE if done else StepStatus.IN_PROGRESS
        self.s.add(
            StepProgress(
                collaboration=self.collaboration,
                step=step,
                party_organisation=party.organisation if party else None,
                status=status,
                updated_by=user,
                updated_by_organisation=info.organisation,
                updated_at=at,
            )
        )
        if done:
            self.log(
                ActivityKind.STEP_DONE,
                user,
                info,
                _("markerade steget ”%(step)s” som klart") % {"step": step.title},
                step=step.pk,
            )

    def confirm(self, phase: Phase, *, complete: bool) -> None:
        """Every party that is in confirms the phase (it completes with the last one), or only one of them."""
        confirming = list(self.in_)
        if not complete:
            # Only a party still in can be awaiting the others (leaving takes back an open confirmation).
            still_in = [i for i, p in self.parties if p.state == PartyState.ACCEPTED]
            if len(still_in) < 2:
                return
            confirming = still_in[:1]
        for n, info in enumerate(confirming):
            user = self.s._pick(info, fixed=self.plan.shared)
            at = self.clock.tick(0.3)
            self.s.add(
                PhaseConfirmation(
                    collaboration=self.collaboration,
                    phase=phase,
                    organisation=info.organisation,
                    confirmed_by=user,
                    confirmed_at=at,
                )
            )
            self.log(
                ActivityKind.PHASE_CONFIRMED,
                user,
                info,
                _("bekräftade för %(organisation)s att parterna är överens om fasen ”%(phase)s”")
                % {"organisation": info.organisation.name, "phase": phase.title},
                phase=phase.pk,
            )
            if complete and n == len(confirming) - 1:
                self.s.add(
                    PhaseCompletion(
                        collaboration=self.collaboration,
                        phase=phase,
                        completed_by=user,
                        completed_by_organisation=info.organisation,
                        completed_at=at,
                    )
                )
                self.log(
                    ActivityKind.PHASE_DONE,
                    user,
                    info,
                    _("bekräftade som sista part: fasen ”%(phase)s” är klar, alla parter är överens")
                    % {"phase": phase.title},
                    phase=phase.pk,
                )

    def assign(self, step: Step) -> None:
        rng = self.rng
        current = [i for i, p in self.parties if p.state == PartyState.ACCEPTED]
        info = rng.choice(current)
        responsible = self.s._pick(info, fixed=self.plan.shared)
        by, by_info = self.person()
        due = self.s.today + timedelta(days=rng.randint(-21, 60))
        at = self.clock.tick(0.3)
        self.s.add(
            StepAssignment(
                collaboration=self.collaboration,
                step=step,
                responsible=responsible,
                responsible_organisation=info.organisation,
                due_on=due,
                updated_by=by,
                updated_at=at,
            )
        )
        self.log(
            ActivityKind.ASSIGNED,
            by,
            by_info,
            _("%(step)s: ansvarig %(who)s, klart senast %(when)s")
            % {"step": step.title, "who": responsible.full_name, "when": date_format(due, "j F Y")},
            step=step.pk,
            responsible=responsible,  # a person's pk once written (see Seeder.write)
            due_on=due.isoformat(),
        )


class AgreementBuilder:
    """An agreement's whole history: drafts, frozen versions, comments, change requests, approvals."""

    def __init__(self, context: Context) -> None:
        self.c, self.s, self.rng = context, context.s, context.rng

    def build(self, script: dict[str, Any]) -> None:
        c, rng = self.c, self.rng
        starter, starter_info = c.person()
        at = c.clock.tick()
        from_process = rng.random() < 0.5
        agreement = self.s.add(
            Agreement(
                collaboration=c.collaboration,
                state=AgreementState.UTKAST,
                drafted_from_process_at=at if from_process else None,
                created_by=starter,
                created_at=at,
                updated_at=at,
            )
        )
        latest: AgreementVersion | None = None
        adopted: AgreementVersion | None = None
        c.log(
            ActivityKind.AGREEMENT_DRAFTED,
            starter,
            starter_info,
            _("skapade ett utkast till avsiktsförklaring från processen (%(n)d avsnitt ifyllda)")
            % {"n": len(self.s.sections)}
            if from_process
            else _("påbörjade en avsiktsförklaring"),
            sections=[],
        )
        # Each section's text as a list of revisions: (text, author, organisation, time).
        self.history: dict[int, list[tuple[str, User, OrgInfo, datetime]]] = {}
        self.texts = {
            section.pk: (
                words.SECTION_LEADS.get(section.slug, "Vi skriver det här avsnittet tillsammans.").format(**c.fill)
                + " "
                + " ".join(c.text(rng.randint(1, 2)))
            )
            for section in self.s.sections
        }
        self._edit(list(self.texts), first=True)
        versions = script["versions"]
        state = script["state"]
        accepted = [i for i, p in c.parties if p.state in (PartyState.ACCEPTED, PartyState.LEFT)]
        for number in range(1, versions + 1):
            version = self._send(agreement, number)
            latest = version
            agreement.state = AgreementState.GRANSKNING
            self._comments(version, resolved=number < versions)
            last = number == versions
            if not last or (state == "draft"):
                # Changes asked for, perhaps after a party had already approved: a new draft follows.
                if rng.random() < 0.5:
                    self._approve(version, accepted[:1])
                requester = accepted[-1]
                who = self.s._pick(requester, fixed=c.plan.shared)
                self.s.add(
                    ChangeRequest(
                        code=self.s.uuid(),
                        version=version,
                        organisation=requester.organisation,
                        requested_by=who,
                        message=rng.choice(words.CHANGE_REQUESTS),
                        created_at=c.clock.tick(0.3),
                    )
                )
                c.log(
                    ActivityKind.AGREEMENT_CHANGES_REQUESTED,
                    who,
                    requester,
                    _("begärde ändringar i version %(n)d för %(org)s")
                    % {"n": number, "org": requester.organisation.name},
                    version=number,
                )
                self._edit(rng.sample(list(self.texts), rng.randint(1, 3)), after=number)
                agreement.state = AgreementState.UTKAST
            elif state in ("adopted", "revising"):
                self._approve(version, accepted, adopt=True)
                agreement.state, adopted, agreement.adopted_at = AgreementState.FASTSTALLD, version, c.clock.now
                if state == "revising":
                    who, info = c.person()
                    c.clock.tick(0.5)
                    c.log(
                        ActivityKind.AGREEMENT_REOPENED,
                        who,
                        info,
                        _("påbörjade en ny version av den fastställda avsiktsförklaringen"),
                    )
                    agreement.state = AgreementState.UTKAST
                    self._edit(rng.sample(list(self.texts), rng.randint(1, 2)), after=None)
            else:
                # Under review: some parties have approved, never all of those still in.
                still_in = [i for i, p in c.parties if p.state == PartyState.ACCEPTED]
                picks = script.get("approved_by")
                if picks is not None:
                    approving = [still_in[k] for k in picks if k < len(still_in) - 1]
                else:
                    approving = [i for i in still_in[:-1] if rng.random() < 0.5]
                self._approve(version, approving)
        agreement.updated_at = c.clock.now
        self.s.pointers.append((agreement, latest, adopted))
        for section_pk, history in self.history.items():
            text = AgreementText(agreement=agreement, section_id=section_pk, filled_from={}, filled_at=None)
            for number, (body, user, info, at) in enumerate(history, start=1):
                self.s.add(
                    AgreementTextRevision(
                        agreement_text=text,
                        number=number,
                        version=number,
                        text=body,
                        author=user,
                        organisation=info.organisation,
                        writer=f"skala-avtal-{number}",
                        created_at=at,
                        updated_at=at,
                    )
                )
                text.text, text.version, text.updated_by, text.updated_by_organisation, text.updated_at = (
                    body,
                    number,
                    user,
                    info.organisation,
                    at,
                )
            self.s.add(text)

    def _edit(self, section_pks: list[int], *, first: bool = False, after: int | None = None) -> None:
        c, rng = self.c, self.rng
        who, info = c.person()
        at = c.clock.tick(0.5)
        for pk in section_pks:
            if not first:
                self.texts[pk] = self.texts[pk] + "\n\n" + rng.choice(words.SECTION_ADDITIONS)
            self.history.setdefault(pk, []).append((self.texts[pk], who, info, at))
        if not first:
            c.log(
                ActivityKind.AGREEMENT_EDITED,
                who,
                info,
                _("ändrade avsiktsförklaringen efter att version %(n)d skickades; ändringarna blir ett nytt utkast")
                % {"n": after}
                if after
                else _("skrev i avsiktsförklaringen"),
            )

    def _send(self, agreement: Agreement, number: int) -> AgreementVersion:
        c = self.c
        who, info = c.person()
        at = c.clock.tick()
        collaboration = c.collaboration
        parties = sorted(
            ((i, p) for i, p in c.parties if p.state in (PartyState.ACCEPTED, PartyState.LEFT)),
            key=lambda ip: (ip[0].organisation.sector, ip[0].organisation.name),
        )
        # The order of `build_snapshot`: public parties first ("offentlig" after "ideburen", reversed), then by name.
        parties.sort(key=lambda ip: ip[0].organisation.sector, reverse=True)
        snapshot = snapshot_of(
            collaboration=collaboration,
            number=number,
            sent_at=at,
            sent_by=who,
            sender_organisation=info.organisation,
            parties=[(i.organisation, p.contact, p.reference) for i, p in parties],
            sections=[{"slug": s.slug, "title": s.title, "text": self.texts[s.pk]} for s in self.s.sections],
        )
        content = canonical_json(snapshot)
        version = self.s.add(
            AgreementVersion(
                agreement=agreement,
                number=number,
                content=content,
                sha256=sha256_of(content),
                sent_by=who,
                sent_by_organisation=info.organisation,
                created_at=at,
            )
        )
        c.log(
            ActivityKind.AGREEMENT_SENT,
            who,
            info,
            _("skickade version %(n)d av avsiktsförklaringen för granskning") % {"n": number},
            version=number,
            sha256=version.sha256,
        )
        return version

    def _comments(self, version: AgreementVersion, *, resolved: bool) -> None:
        c, rng = self.c, self.rng
        for _n in range(self.s.weighted([(0, 3), (1, 4), (2, 2), (3, 1)])):
            section = rng.choice(self.s.sections)
            who, info = c.person()
            at = c.clock.tick(0.3)
            root = self.s.add(
                AgreementComment(
                    code=self.s.uuid(),
                    version=version,
                    section_slug=section.slug,
                    author=who,
                    organisation=info.organisation,
                    text=rng.choice(words.COMMENTS),
                    created_at=at,
                )
            )
            c.log(
                ActivityKind.AGREEMENT_COMMENTED,
                who,
                info,
                _("kommenterade ”%(section)s” i version %(n)d") % {"section": section.title, "n": version.number},
                version=version.number,
                section=section.slug,
            )
            if rng.random() < 0.5:
                who, info = c.person()
                self.s.add(
                    AgreementComment(
                        code=self.s.uuid(),
                        version=version,
                        section_slug=section.slug,
                        parent=root,
                        author=who,
                        organisation=info.organisation,
                        text=rng.choice(words.REPLIES),
                        created_at=c.clock.tick(0.2),
                    )
                )
                c.log(
                    ActivityKind.AGREEMENT_COMMENTED,
                    who,
                    info,
                    _("kommenterade ”%(section)s” i version %(n)d") % {"section": section.title, "n": version.number},
                    version=version.number,
                    section=section.slug,
                )
            if resolved or rng.random() < 0.3:
                root.resolved_at, root.resolved_by = c.clock.tick(0.1), who

    def _approve(self, version: AgreementVersion, organisations: list[OrgInfo], *, adopt: bool = False) -> None:
        c, rng = self.c, self.rng
        for info in organisations:
            approver = self.s._pick(info, fixed=c.plan.shared, approver=True)
            membership = next(m for m in info.members if m.user is approver)
            decision = rng.choice(words.DECISIONS).format(date=c.clock.now.date().isoformat(), n=rng.randint(1, 20))
            self.s.add(
                Approval(
                    code=self.s.uuid(),
                    version=version,
                    organisation=info.organisation,
                    approved_by=approver,
                    approved_by_name=approver.full_name,
                    role=membership.role,
                    version_sha256=version.sha256,
                    decision_reference=decision,
                    created_at=c.clock.tick(0.3),
                )
            )
            c.log(
                ActivityKind.AGREEMENT_APPROVED,
                approver,
                info,
                _("godkände version %(n)d för %(org)s") % {"n": version.number, "org": info.organisation.name},
                version=version.number,
                sha256=version.sha256,
                decision_reference=decision,
            )
        if adopt and organisations:
            last = organisations[-1]
            c.log(
                ActivityKind.AGREEMENT_ADOPTED,
                self.s._pick(last),
                last,
                _("alla parter har godkänt version %(n)d: avsiktsförklaringen är fastställd") % {"n": version.number},
                version=version.number,
                sha256=version.sha256,
            )


def copy_rows(model: type[models.Model], rows: list[Any]) -> None:
    """Write rows with PostgreSQL's COPY, their pks taken from the table's own sequence first.

    Ten times faster than INSERT for a million rows. The pks are given out before the copy so
    that children written next can name their parents; every value goes through the field's own
    `get_db_prep_save`, as in an INSERT, so JSON, UUIDs and times are stored as Django would.
    """
    if not rows:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-attribute proxy: a million lookups
    meta = model._meta
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],  # type: ignore[union-attr]
        )
        for obj, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = list(meta.concrete_fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)

    def parent_pk(f: Any) -> Any:
        attname = f.attname

        def read(obj: Any) -> Any:
            # The parent's pk, given out just now (the instance was assigned before it had one).
            found = getattr(obj, attname)
            if found is None and f.is_cached(obj):
                parent = f.get_cached_value(obj)
                return parent.pk if parent is not None else None
            return found

        return read

    def prepared(f: Any) -> Any:
        return lambda obj: f.get_db_prep_save(getattr(obj, f.attname), db)

    # Plain values (text, numbers, UUIDs, aware times) go to psycopg as they are; JSON goes
    # through the field, as in an INSERT.
    readers = [
        parent_pk(f) if f.is_relation else prepared(f) if isinstance(f, models.JSONField) else attrgetter(f.attname)
        for f in fields
    ]
    with db.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for obj in rows:
            copy.write_row([read(obj) for read in readers])


def password_hash() -> str:
    """One hash for every seeded account: hashing 3,000 passwords would take minutes."""
    return make_password(PASSWORD)


def seed(*, seed: int, sizes: Sizes, now: datetime) -> dict[str, int]:
    with stamped_by_hand(*WRITE_ORDER):
        seeder = Seeder(seed=seed, sizes=sizes, now=now)
        seeder.organisations()
        seeder.people(password_hash())
        seeder.collaborations()
        seeder.flush()
    return seeder.counts.rows
