"""Findings of a review of the performance changes for issue 11."""

from __future__ import annotations

from django.urls import reverse

from collaboration.models import StepAssignment, StepProgress, StepStatus
from tests.collaboration.helpers import PREREQ_STATUS, step_obj
from tests.conftest import client_for
from tests.factories import StepAssignmentFactory


def test_an_assignment_in_a_phase_that_became_per_party_leaves_my_tasks_once_the_party_is_done(cast):
    """Assignments made while the prerequisites were answered together (before migration 0016 made them the
    public parties' own, or an admin changed a phase's answer mode) are done when the party's own step is:
    they cannot be cleared by hand any more (steps of per-party phases take no assignment)."""
    step = step_obj(PREREQ_STATUS)
    StepAssignmentFactory(
        collaboration=cast.collaboration, step=step, responsible=cast.officer, responsible_organisation=cast.kommun
    )
    StepProgress.objects.create(
        collaboration=cast.collaboration, step=step, party_organisation=cast.kommun, status=StepStatus.DONE
    )
    assert not StepAssignment.objects.open().filter(collaboration=cast.collaboration, step=step).exists()
    response = client_for(cast.officer).get(reverse("home"))
    assert response.status_code == 200
    assert "Mina uppgifter" not in response.text
