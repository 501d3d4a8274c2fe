"""The steps of the guided process: the task list, a step page (written together, autosaved), the guide's
review, a step's history and who is responsible for a step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from collaboration import parties as party_workflows
from collaboration import steps as step_workflows
from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.cowriting.contract import SaveReport
from collaboration.cowriting.forms import SharedTextForm
from collaboration.cowriting.page import edit_page, is_autosave, signed_out
from collaboration.forms.steps import StepAssignmentForm
from collaboration.models import (
    AnswerRevision,
    Collaboration,
    Phase,
    Question,
    Step,
    StepAssignment,
    StepProgress,
    StepStatus,
    party_filter,
)
from collaboration.phases import (
    review,
    shared_phases,
)
from collaboration.steps import get_guide, load_step, step_save, task_list
from portal import drafts
from portal.http import AnyRequest, AuthedRequest

STEP_TEMPLATE = "collaboration/step.html"


def _step_url(collaboration: Collaboration, guide_slug: str, phase_slug: str, step_slug: str) -> str:
    return reverse("step", args=[collaboration.code, guide_slug, phase_slug, step_slug])


@require_http_methods(["GET", "POST"])
def step(request: AnyRequest, code: str, guide: str, phase: str, step: str) -> HttpResponse:
    if (response := signed_out(request, STEP_TEMPLATE)) is not None:
        return response
    authed: AuthedRequest = request  # type: ignore[assignment]
    collaboration = get_collaboration_for(authed.user, code)
    guide_obj = get_guide(guide)
    action = request.POST.get("action", "save-later")
    acting = acting_organisation(authed.user, collaboration, phase_slug=phase, guide_slug=guide)
    page = load_step(collaboration, guide_obj, phase, step, party=acting, for_autosave=is_autosave(request))
    context: dict[str, Any] = {"collaboration": collaboration, "page": page, "guide": guide_obj, "acting": acting}
    # Marking a step done with questions left empty is asked once (see _ask_before_done): save first.
    ask_unanswered = action == "save-done" and request.POST.get("unanswered") != "confirmed"

    def save(form: SharedTextForm, valid: bool) -> SaveReport:
        mark = {"save-done": StepStatus.DONE, "reopen": StepStatus.IN_PROGRESS}.get(action) if valid else None
        return step_save(
            collaboration=collaboration,
            step=page.step,
            edits=form.edits(explicit=not is_autosave(request)),
            writer=form.writer_token(),
            user=authed.user,
            organisation=acting,
            party=page.party,
            mark=None if ask_unanswered else mark,
        )

    def after_save(form: SharedTextForm, report: SaveReport) -> HttpResponse:
        if ask_unanswered:
            unanswered = [q for q in page.questions if not (q.pk in page.answers and page.answers[q.pk].text.strip())]
            if unanswered:
                return _ask_before_done(request, context, unanswered, report)
            step_save(
                collaboration=collaboration,
                step=page.step,
                edits=[],
                writer=form.writer_token(),
                user=authed.user,
                organisation=acting,
                party=page.party,
                mark=StepStatus.DONE,
            )
        if report.stale:
            messages.info(
                request,
                _("En kollega hade ändrat några svar som du inte rörde. Deras nya text står kvar och visas nu."),
            )
        if action == "save-done":
            messages.success(request, _("Steget ”%(step)s” är markerat som klart.") % {"step": page.step.title})
            if not page.phase.is_per_party and _every_step_done(collaboration, page.phase):
                # The phase's last open step: what comes next is agreeing on the phase, not an earlier step.
                messages.info(
                    request, _("Alla steg i fasen är klara. Läs igenom fasen och bekräfta att ni är överens.")
                )
                return redirect("phase_review", code=collaboration.code, guide=guide, phase=page.phase.slug)
        elif action == "reopen":
            messages.success(request, _("Steget ”%(step)s” är öppnat igen.") % {"step": page.step.title})
            return redirect(request.path)
        else:
            messages.success(request, _("Dina svar är sparade."))
        if action == "save":
            return redirect(request.path)
        if action in ("save-continue", "save-done") and page.next is not None:
            return redirect(_step_url(collaboration, guide, page.next.phase.slug, page.next.slug))
        return redirect("task_list", code=collaboration.code, guide=guide)

    return edit_page(request, template=STEP_TEMPLATE, context=context, page=page, save=save, after_save=after_save)


def _every_step_done(collaboration: Collaboration, phase: Phase) -> bool:
    """Whether every joint step of the phase is marked done (one query; the phase's steps are cached)."""
    steps = [step.pk for step in phase.steps.all()]
    done = StepProgress.objects.filter(
        collaboration=collaboration, step_id__in=steps, party_organisation__isnull=True, status=StepStatus.DONE
    ).count()
    return bool(steps) and done == len(steps)


def _ask_before_done(
    request: AnyRequest, context: dict[str, Any], unanswered: list[Question], report: SaveReport
) -> HttpResponse:
    """Everything typed is saved; ask once whether the step is done although some questions are empty.

    The page posts back to the step with `unanswered=confirmed` and no answers, so the
    saved texts stay as they are; "Fortsätt skriva" opens the step again.
    """
    context.update({"unanswered": unanswered, "saved_any": bool(report.saved)})
    return render(request, "collaboration/step_unanswered.html", context)


@login_required
@require_safe
def task_list_view(request: AuthedRequest, code: str, guide: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    acting = acting_organisation(request.user, collaboration)
    return render(
        request,
        "collaboration/task_list.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "acting": acting,
            "phases": task_list(collaboration, guide_obj, party=acting),
            # Who is responsible for each step, and by when (one query).
            "assignments": StepAssignment.objects.by_step(collaboration),
        },
    )


@login_required
@require_safe
def guide_review(request: AuthedRequest, code: str, guide: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    acting = acting_organisation(request.user, collaboration)
    return render(
        request,
        "collaboration/review.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "sections": review(collaboration, guide_obj, party=acting),
            "acting": acting,
            "shared_phases": shared_phases(collaboration, acting),
            "phase": None,
        },
    )


@login_required
@require_safe
def step_history(request: AuthedRequest, code: str, guide: str, phase: str, step: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    page = load_step(
        collaboration,
        guide_obj,
        phase,
        step,
        party=acting_organisation(request.user, collaboration, phase_slug=phase, guide_slug=guide),
    )
    revisions: dict[int, list[AnswerRevision]] = {}
    for revision in (
        AnswerRevision.objects.filter(
            answer__collaboration=collaboration,
            answer__question__group__step=page.step,
            **party_filter(page.party, "answer__"),
        )
        .select_related("author", "organisation", "answer")
        .order_by("-number")
    ):
        revisions.setdefault(revision.answer.question_id, []).append(revision)
    return render(
        request,
        "collaboration/history.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "page": page,
            "items": [(q, page.answers.get(q.pk), revisions.get(q.pk, [])) for q in page.questions],
        },
    )


@login_required
@require_safe
def revision_detail(
    request: AuthedRequest, code: str, guide: str, phase: str, step: str, question: str, number: int
) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    page = load_step(
        collaboration,
        guide_obj,
        phase,
        step,
        party=acting_organisation(request.user, collaboration, phase_slug=phase, guide_slug=guide),
    )
    question_obj: Question | None = next((q for q in page.questions if q.code == question), None)
    if question_obj is None:
        raise Http404("Ingen sådan fråga.")
    revision = (
        AnswerRevision.objects.filter(
            answer__collaboration=collaboration,
            answer__question=question_obj,
            number=number,
            **party_filter(page.party, "answer__"),
        )
        .select_related("author", "organisation")
        .first()
    )
    if revision is None:
        raise Http404("Ingen sådan version.")
    return render(
        request,
        "collaboration/revision.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "page": page,
            "question": question_obj,
            "revision": revision,
        },
    )


def _get_step(guide: str, phase: str, step: str) -> Step:
    found = (
        Step.objects.select_related("phase", "phase__guide")
        .filter(phase__guide__slug=guide, phase__slug=phase, slug=step)
        .first()
    )
    if found is None:
        raise Http404("Inget sådant steg.")
    if found.phase.is_per_party:
        # A party's own step (its checklist, its prerequisites) is its own business: who does it is
        # not set in the shared collaboration, where the other parties would see it.
        raise Http404("Ansvar sätts bara för gemensamma steg.")
    return found


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def step_assign(request: AuthedRequest, code: str, guide: str, phase: str, step: str) -> HttpResponse:
    """Give a step a responsible person (from any accepted party) and a due date."""
    collaboration = get_collaboration_for(request.user, code)
    step_obj = _get_step(guide, phase, step)
    assignment = StepAssignment.objects.filter(collaboration=collaboration, step=step_obj).first()
    initial = {"responsible": assignment.responsible_id, "due_on": assignment.due_on} if assignment else {}
    draft = drafts.restore(request) if request.method == "GET" else None
    form = StepAssignmentForm(
        request.POST if request.method == "POST" else draft, initial=initial, collaboration=collaboration
    )
    back = request.POST.get("tillbaka") or request.GET.get("tillbaka")
    back_url = (
        reverse("step", args=[collaboration.code, guide, phase, step])
        if back == "steg"
        else reverse("task_list", args=[collaboration.code, guide])
    )
    if request.method == "POST" and form.is_valid():
        try:
            step_workflows.step_assign(
                collaboration=collaboration,
                step=step_obj,
                responsible=form.cleaned_data["responsible"],
                due_on=form.cleaned_data["due_on"],
                user=request.user,
                acting_organisation=acting_organisation(request.user, collaboration),
            )
        except party_workflows.PartyStateError:
            form.add_error("responsible", _("Personen är inte längre med i någon av parterna. Välj en annan."))
        else:
            messages.success(request, _("Ansvaret för ”%(step)s” är sparat.") % {"step": step_obj.title})
            return redirect(back_url)
    return render(
        request,
        "collaboration/step_assign.html",
        {
            "collaboration": collaboration,
            "step": step_obj,
            "form": form,
            "back": back or "",
            "back_url": back_url,
            "restored_draft": draft is not None,
        },
    )
