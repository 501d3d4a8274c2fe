"""factory_boy factories for the standing cast and their collaborations."""

from __future__ import annotations

import factory
from django.utils import timezone
from stdnum import luhn

from collaboration.models import (
    Agreement,
    Collaboration,
    Membership,
    Organisation,
    OrganisationKind,
    Party,
    PartyState,
    Role,
    Sector,
    StepAssignment,
)
from collaboration.phases import refresh_current_phase
from portal.models import User

PASSWORD = "ett-langt-testlosenord-123"


def organisation_number(n: int) -> str:
    """A valid organisationsnummer: digits 3-4 >= 20 and a Luhn check digit."""
    body = f"80{20 + n % 70:02d}{n % 100000:05d}"
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@exempel.se")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Föreningen Nummer {n}")
    sector = Sector.CIVIL
    kind = OrganisationKind.FORENING
    organisation_number = factory.Sequence(organisation_number)
    municipality = "Halmstad"
    # As loaded with the portal or added by a site admin: verified. Pass verified_at=None for one
    # that a partner registered.
    verified_at = factory.LazyFunction(timezone.now)


class PublicOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Kommun {n}")
    sector = Sector.PUBLIC
    kind = OrganisationKind.KOMMUN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.OFFICER


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Samverkan {n}")
    description = "Läxhjälp för barn i årskurs 4–9."

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        """Organisations that have all accepted (as before consent was asked for)."""
        if create and extracted:
            for organisation in extracted:
                Party.objects.create(collaboration=obj, organisation=organisation, state=PartyState.ACCEPTED)
        if create:
            # As a collaboration created in the portal: it starts in the model's first phase.
            refresh_current_phase(obj)


class PartyFactory(factory.django.DjangoModelFactory):
    """A party in any state; invited by default, as every party but the creator's starts."""

    class Meta:
        model = Party

    collaboration = factory.SubFactory(CollaborationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    state = PartyState.INVITED
    invited_at = factory.LazyFunction(timezone.now)


class StepAssignmentFactory(factory.django.DjangoModelFactory):
    """A step given to a person; `responsible_organisation` should be the person's party organisation."""

    class Meta:
        model = StepAssignment

    collaboration = factory.SubFactory(CollaborationFactory)
    due_on = None


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement with no text yet. Versions come from the workflow (tests/collaboration/helpers.send_version)."""

    class Meta:
        model = Agreement

    collaboration = factory.SubFactory(CollaborationFactory)
