"""The guided process: task list, step pages with autosave, review, history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.cowriting.contract import SaveReport
from collaboration.cowriting.forms import SharedTextForm
from collaboration.cowriting.page import edit_page, is_autosave, signed_out
from collaboration.forms.phases import PartyChoiceForm, ReopenForm
from collaboration.guidance.cache import guide_content
from collaboration.models import (
    AnswerRevision,
    Collaboration,
    Phase,
    Question,
    StepAssignment,
    StepStatus,
    party_filter,
)
from collaboration.phases import (
    ConfirmOutcome,
    answer_party,
    compare,
    phase_confirm,
    phase_consensus,
    phase_reopen,
    review,
    share_answers,
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


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def phase_review(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """The phase's answers, and each party's "Vi är överens" (see process.phase_confirm)."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    phase_obj = guide_content(guide).phase(phase)
    if phase_obj is None:
        raise Http404("Ingen sådan fas.")
    acting = acting_organisation(request.user, collaboration, phase_slug=phase, guide_slug=guide)
    answer_party(phase_obj, acting)  # 404 for a phase closed to the party (per-party answers)
    organisations = collaboration.organisations_of(request.user)
    consensus = phase_consensus(collaboration, [phase_obj])[phase_obj.pk]
    # Confirm for a party that has not yet; all of them may confirm again once nobody is awaited
    # (the last awaited party left), which completes the phase.
    unconfirmed = (
        organisations
        if consensus.everyone_confirmed
        else [o for o in organisations if consensus.confirmed_by(o) is None]
    )
    confirm_form = PartyChoiceForm(organisations=unconfirmed, auto_id="bekrafta-%s")
    reopen_form = ReopenForm(organisations=organisations, auto_id="oppna-%s")
    draft = drafts.restore(request) if request.method == "GET" else None
    if draft is not None and draft.get("reason"):
        # A reason typed while the session ran out comes back, ready to send again.
        reopen_form = ReopenForm(draft, organisations=organisations, auto_id="oppna-%s")
    status = 200
    if request.method == "POST" and phase_obj.is_per_party:
        # Each party answers such a phase for itself: there is nothing to agree on together.
        raise Http404("Den här fasen bekräftas inte gemensamt.")
    if request.method == "POST":
        here = reverse("phase_review", args=[collaboration.code, guide, phase])
        if request.POST.get("action") == "reopen":
            reopen_form = ReopenForm(request.POST, organisations=organisations, auto_id="oppna-%s")
            if reopen_form.is_valid() and phase_reopen(
                collaboration=collaboration,
                phase=phase_obj,
                user=request.user,
                organisation=reopen_form.chosen(),
                reason=reopen_form.cleaned_data["reason"],
            ):
                messages.success(request, _("Fasen ”%(phase)s” är öppnad igen.") % {"phase": phase_obj.title})
                return redirect(here)
            status = 400
        else:
            # Any of the person's parties: a second click (already confirmed) is answered, not refused.
            confirm_form = PartyChoiceForm(request.POST, organisations=organisations, auto_id="bekrafta-%s")
            if confirm_form.is_valid():
                outcome = phase_confirm(
                    collaboration=collaboration, phase=phase_obj, user=request.user, organisation=confirm_form.chosen()
                )
                if outcome is ConfirmOutcome.COMPLETED:
                    messages.success(
                        request, _("Alla parter är överens. Fasen ”%(phase)s” är klar.") % {"phase": phase_obj.title}
                    )
                    return redirect("task_list", code=collaboration.code, guide=guide)
                if outcome is ConfirmOutcome.CONFIRMED:
                    messages.success(
                        request,
                        _("%(organisation)s har bekräftat fasen. Nu väntar vi på de andra parterna.")
                        % {"organisation": confirm_form.chosen().name},
                    )
                elif outcome is ConfirmOutcome.ALREADY_DONE:
                    messages.info(request, _("Fasen är redan klar."))
                elif outcome is ConfirmOutcome.ENDED:
                    messages.info(request, _("Samverkan är avslutad. Öppna den igen innan ni bekräftar fler faser."))
                else:
                    messages.error(request, _("Markera alla steg i fasen som klara innan ni markerar fasen som klar."))
                return redirect(here)
            status = 400
    rows = task_list(collaboration, guide_obj, party=acting)
    row = next(r for r in rows if r.phase.pk == phase_obj.pk)
    return render(
        request,
        "collaboration/review.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "sections": review(collaboration, guide_obj, phase_obj, party=acting),
            "acting": acting,
            "shared_phases": shared_phases(collaboration, acting),
            "phase": phase_obj,
            "phase_row": row,
            "consensus": row.consensus,
            "confirm_form": confirm_form,
            "reopen_form": reopen_form,
            "may_confirm": bool(unconfirmed) and row.completion is None,
            "may_reopen": bool(organisations) and (row.completion is not None or bool(consensus.confirmations)),
        },
        status=status,
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


def _shareable_phase(guide_slug: str, phase_slug: str) -> tuple[Any, Phase]:
    guide_obj = get_guide(guide_slug)
    phase_obj = guide_content(guide_slug).phase(phase_slug)
    if phase_obj is None or not phase_obj.is_shareable:
        raise Http404("Ingen sådan fas.")
    return guide_obj, phase_obj


@login_required
@require_safe
def phase_compare(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """The parties' own answers side by side: the reader's own, and those the other parties share."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj, phase_obj = _shareable_phase(guide, phase)
    acting = acting_organisation(request.user, collaboration)
    comparison = compare(collaboration, phase_obj, party=acting)
    return render(
        request,
        "collaboration/compare.html",
        {"collaboration": collaboration, "guide": guide_obj, "acting": acting, "comparison": comparison},
    )


@login_required
@require_POST
def phase_share(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """Share the acting party's own answers in a phase with the other parties, or take the sharing back."""
    collaboration = get_collaboration_for(request.user, code)
    phase_obj = _shareable_phase(guide, phase)[1]
    acting = acting_organisation(request.user, collaboration)
    if acting is None:
        raise Http404("Ingen part att dela för.")
    share = request.POST.get("action") != "unshare"
    changed = share_answers(
        collaboration=collaboration, phase=phase_obj, organisation=acting, user=request.user, share=share
    )
    if share:
        message = _("Svaren från %(org)s i ”%(phase)s” är nu delade med de andra parterna.")
    else:
        message = _("Svaren från %(org)s i ”%(phase)s” delas inte längre. De syns bara för er från och med nu.")
    if changed:
        messages.success(request, message % {"org": acting.name, "phase": phase_obj.title})
    next_url = request.POST.get("next", "")
    if next_url == "jamfor":
        return redirect("phase_compare", code=collaboration.code, guide=guide, phase=phase)
    return redirect("task_list", code=collaboration.code, guide=guide)
