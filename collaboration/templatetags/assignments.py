"""The responsible person and due date of a step, shown on the task list and step pages."""

from __future__ import annotations

from typing import Any

from django import template

from collaboration.models import StepAssignment

register = template.Library()


@register.filter
def assignment_for(assignments: dict[int, StepAssignment] | None, step: Any) -> StepAssignment | None:
    """{{ assignments|assignment_for:step }}: the step's assignment from a dict loaded once by the view."""
    return (assignments or {}).get(step.pk)


@register.simple_tag
def step_assignment(collaboration: Any, step: Any) -> StepAssignment | None:
    """{% step_assignment collaboration step as a %}: one step's assignment, for the step page (one query)."""
    return (
        StepAssignment.objects.filter(collaboration=collaboration, step=step)
        .select_related("responsible", "responsible_organisation")
        .first()
    )
