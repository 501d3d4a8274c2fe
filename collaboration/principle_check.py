"""The principle check: "när det gnisslar, ta stöd i principerna".

Each accepted party rates, at any time, how each of the six principles is upheld in
the collaboration. Every rating is kept (a new view is a new row), the latest one per
party and principle is what the parties see side by side, and what the agreement's
Principer section and its PDF use (`latest_principle_ratings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _

from collaboration.models import Activity, ActivityKind, Collaboration, Organisation, Party, PrincipleRating
from principles.models import DiscussionQuestion, Principle

if TYPE_CHECKING:
    from portal.models import User


def accepted_parties(collaboration: Collaboration) -> list[Organisation]:
    """The accepted parties, public ones first, as the side-by-side view orders its columns."""
    return [
        p.organisation
        for p in Party.objects.accepted()
        .filter(collaboration=collaboration)
        .select_related("organisation")
        .order_by("-organisation__sector", "organisation__name")
    ]


def latest_principle_ratings(collaboration: Collaboration) -> dict[tuple[int, int], PrincipleRating]:
    """The latest rating of each accepted party for each principle, keyed by (organisation pk, principle pk).

    All ratings are shared between the parties; a party that declined or left no longer counts.
    One query, however long the history is.
    """
    latest = (
        PrincipleRating.objects.filter(
            collaboration=collaboration, organisation=OuterRef("organisation"), principle=OuterRef("principle")
        )
        .order_by("-rated_at", "-pk")
        .values("pk")[:1]
    )
    accepted = Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id")
    return {
        (r.organisation_id, r.principle_id): r
        for r in PrincipleRating.objects.filter(
            collaboration=collaboration, organisation_id__in=accepted, pk=Subquery(latest)
        ).select_related("rated_by", "organisation", "principle")
    }


@dataclass
class PrincipleLine:
    principle: Principle
    ratings: list[tuple[Organisation, PrincipleRating | None]]
    questions: list[DiscussionQuestion] = field(default_factory=list)

    @property
    def differ(self) -> bool:
        """The parties that have rated this principle see it differently."""
        return len({r.rating for _, r in self.ratings if r is not None}) > 1

    @property
    def anyone_rated(self) -> bool:
        return any(r is not None for _, r in self.ratings)


def principle_lines(collaboration: Collaboration) -> list[PrincipleLine]:
    """Each principle with every accepted party's latest rating beside the others', and its discussion questions."""
    parties = accepted_parties(collaboration)
    latest = latest_principle_ratings(collaboration)
    principles = Principle.objects.prefetch_related(
        Prefetch("discussion_questions", queryset=DiscussionQuestion.objects.order_by("order"))
    )
    return [
        PrincipleLine(
            principle=p,
            ratings=[(o, latest.get((o.pk, p.pk))) for o in parties],
            questions=list(p.discussion_questions.all()),
        )
        for p in principles
    ]


@dataclass(frozen=True)
class RatingInput:
    principle: Principle
    rating: str
    comment: str
    # The party's latest rating of this principle when the form was loaded (its id, 0 for none);
    # None when unknown (a form without bases, e.g. the demo data): then the latest is assumed.
    base: int | None = None


def principles_rate(
    *,
    collaboration: Collaboration,
    user: User,
    organisation: Organisation,
    ratings: list[RatingInput],
    moved_on: list[Principle] | None = None,
) -> list[PrincipleRating]:
    """Record the party's view of the principles; a principle rated as before (same rating and comment) is skipped.

    Returns the new rows (none if nothing changed). The caller has checked that the user
    acts for `organisation`, an accepted party. A principle a colleague of the party rated
    after the form was loaded (`RatingInput.base`) is not written over: left as loaded it
    is skipped, changed it is put in `moved_on` for the page to show both.
    """
    if moved_on is None:
        moved_on = []
    with transaction.atomic():
        # One party's ratings at a time: two colleagues saving at once are taken in turn.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        latest = latest_principle_ratings(collaboration)
        bases = {r.pk: r for r in PrincipleRating.objects.filter(pk__in=[i.base for i in ratings if i.base])}
        new = []
        moved_on.clear()
        for item in ratings:
            previous = latest.get((organisation.pk, item.principle.pk))
            comment = item.comment.strip()
            if previous is not None and (previous.rating, previous.comment) == (item.rating, comment):
                continue
            if item.base is not None and item.base != (previous.pk if previous else 0):
                # A colleague rated this principle after the form was loaded.
                loaded = bases.get(item.base)
                if loaded is not None and (loaded.rating, loaded.comment) == (item.rating, comment):
                    continue  # left as loaded: the colleague's newer rating stands
                moved_on.append(item.principle)
                continue
            new.append(
                PrincipleRating(
                    collaboration=collaboration,
                    principle=item.principle,
                    organisation=organisation,
                    rating=item.rating,
                    comment=comment,
                    rated_by=user,
                )
            )
        if new:
            PrincipleRating.objects.bulk_create(new)
            Activity.record(
                collaboration=collaboration,
                kind=ActivityKind.PRINCIPLES_RATED,
                actor=user,
                organisation=organisation,
                summary=_("bedömde hur principerna fungerar för %(organisation)s: %(principles)s")
                % {
                    "organisation": organisation.name,
                    "principles": ", ".join(f"{r.principle.name} – {r.get_rating_display()}" for r in new),
                },
                principles={r.principle.slug: r.rating for r in new},
            )
            collaboration.touch()
    return new


def rating_history(collaboration: Collaboration) -> list[PrincipleRating]:
    """Every rating of the accepted parties, newest first."""
    accepted = Party.objects.accepted().filter(collaboration=collaboration).values("organisation_id")
    return list(
        PrincipleRating.objects.filter(collaboration=collaboration, organisation_id__in=accepted).select_related(
            "rated_by", "organisation", "principle"
        )
    )
