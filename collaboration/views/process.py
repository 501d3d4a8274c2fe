"""The guided process: task list, step pages with autosave, review, history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.forms import ANSWER_MAX_LENGTH
from collaboration.models import (
    Answer,
    AnswerRevision,
    Base,
    Collaboration,
    Phase,
    Question,
    StepStatus,
    text_digest,
)
from collaboration.process import (
    StepPage,
    get_guide,
    load_step,
    phase_complete,
    phase_reopen,
    review,
    step_save,
    task_list,
)
from portal import drafts
from portal.http import AnyRequest, AuthedRequest


class StepForm(forms.Form):
    """One text field per question plus the base each field was loaded from."""

    def __init__(self, *args: Any, page: StepPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        for question in page.questions:
            answer = page.answers.get(question.pk)
            self.fields[f"answer-{question.code}"] = forms.CharField(
                label=question.text,
                help_text=question.help,
                required=False,
                strip=False,
                max_length=ANSWER_MAX_LENGTH,
                initial=answer.text if answer else "",
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={
                    "max_length": gettext_lazy(
                        "Svaret får vara högst %(limit_value)d tecken långt (nu %(show_value)d). Korta ner det eller dela upp det på flera frågor."
                    ),
                    "null_characters_not_allowed": gettext_lazy(
                        "Svaret innehåller ett otillåtet tecken (nolltecken). Ta bort det och spara igen."
                    ),
                },
            )
            self.fields[f"base-{question.code}"] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                initial=str(answer.base if answer else Base(0, text_digest(""))),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.startswith("answer-") and isinstance(value, str):
                # Browsers send CRLF line breaks; store the text as the writer sees it.
                data[name] = value.replace("\r\n", "\n")
        return data

    def texts(self) -> dict[int, str]:
        # Only the questions whose box was posted: a missing field is "not sent", never "cleared".
        return {
            q.pk: self.cleaned_data.get(f"answer-{q.code}", "")
            for q in self.page.questions
            if f"answer-{q.code}" in self.data
        }

    def bases(self) -> dict[int, Base | None]:
        return {q.pk: Base.parse(self.cleaned_data.get(f"base-{q.code}", "")) for q in self.page.questions}

    def rows(self, conflicts: dict[int, Any] | None = None) -> list[tuple[Any, list[dict[str, Any]]]]:
        conflicts = conflicts or {}
        return [
            (
                group,
                [
                    {
                        "question": q,
                        "field": self[f"answer-{q.code}"],
                        "answer": self.page.answers.get(q.pk),
                        "conflict": conflicts.get(q.pk),
                    }
                    for q in group.questions.all()
                ],
            )
            for group in self.page.groups
        ]

    def version_fields(self) -> list[Any]:
        return [self[f"base-{q.code}"] for q in self.page.questions]


def _step_url(collaboration: Collaboration, guide_slug: str, phase_slug: str, step_slug: str) -> str:
    return reverse("step", args=[collaboration.code, guide_slug, phase_slug, step_slug])


@require_http_methods(["GET", "POST"])
def step(request: AnyRequest, code: str, guide: str, phase: str, step: str) -> HttpResponse:
    path = request.path
    if not request.user.is_authenticated:
        if request.method == "POST" and request.htmx:
            drafts.stash(request)
            return render(request, "collaboration/step.html#autosave", {"signed_out": True, "login_next": path})
        return drafts.signed_out_response(request)
    authed: AuthedRequest = request  # type: ignore[assignment]
    collaboration = get_collaboration_for(authed.user, code)
    guide_obj = get_guide(guide)
    page = load_step(collaboration, guide_obj, phase, step)
    organisation = acting_organisation(authed.user, collaboration)
    context: dict[str, Any] = {"collaboration": collaboration, "page": page, "guide": guide_obj}

    if request.method == "GET":
        draft = drafts.restore(request)
        if draft is not None:
            form = StepForm(page=page, initial=draft.dict())
            context["restored_draft"] = True
        else:
            form = StepForm(page=page)
        context.update({"form": form, "rows": form.rows()})
        return render(request, "collaboration/step.html", context)

    action = request.POST.get("action", "save-later")
    # What the writer posts now supersedes the text kept while they were signed out.
    drafts.discard(request)
    data = request.POST.copy()
    take_theirs = request.POST.get("take_theirs")
    if take_theirs:
        question_ids = {q.code: q.pk for q in page.questions}
        current = page.answers.get(question_ids.get(take_theirs, 0))
        if current is not None:
            data[f"answer-{take_theirs}"] = current.text
            data[f"base-{take_theirs}"] = str(current.base)
    form = StepForm(data, page=page)
    if not form.is_valid():
        context.update({"form": form, "rows": form.rows()})
        if request.htmx:
            return render(request, "collaboration/step.html#autosave", {**context, "invalid": True})
        return render(request, "collaboration/step.html", context)

    mark = {"save-done": StepStatus.DONE, "reopen": StepStatus.IN_PROGRESS}.get(action)
    report = step_save(
        collaboration=collaboration,
        step=page.step,
        questions=page.questions,
        texts=form.texts(),
        bases=form.bases(),
        user=authed.user,
        organisation=organisation,
        mark=mark,
    )
    conflicts = {c.question.pk: c for c in report.conflicts}
    # Rebuild the form on the new bases so that the next save starts from what is stored now.
    settled = {pk: answer for pk, answer in report.answers.items() if pk not in conflicts}
    data = _with_new_bases(data, page, settled)
    page.answers.update(report.answers)
    autosave = bool(request.htmx) and action == "autosave"
    if not autosave:
        # The conflict view shows both texts; what the writer saves from it is their decision.
        # Autosave never moves the base past a text the writer has not seen.
        for conflict in report.conflicts:
            data[f"base-{conflict.question.code}"] = str(conflict.theirs.base)
    form = StepForm(data, page=page)
    form.is_valid()
    context.update({"form": form, "rows": form.rows(conflicts), "conflicts": report.conflicts})

    if autosave:
        context["saved_at"] = timezone.localtime() if report.saved else None
        return render(request, "collaboration/step.html#autosave", context)
    if report.conflicts:
        return render(request, "collaboration/step.html", context, status=409)
    if take_theirs:
        messages.success(request, _("Du använder nu den sparade texten."))
        return redirect(path)
    if action == "save-done":
        messages.success(request, _("Steget ”%(step)s” är markerat som klart.") % {"step": page.step.title})
    elif action == "reopen":
        messages.success(request, _("Steget ”%(step)s” är öppnat igen.") % {"step": page.step.title})
        return redirect(path)
    else:
        messages.success(request, _("Dina svar är sparade."))
    if action == "save":
        return redirect(path)
    if action in ("save-continue", "save-done") and page.next is not None:
        return redirect(_step_url(collaboration, guide, page.next.phase.slug, page.next.slug))
    return redirect("task_list", code=collaboration.code, guide=guide)


def _with_new_bases(data: QueryDict, page: StepPage, answers: dict[int, Answer]) -> QueryDict:
    for question in page.questions:
        answer = answers.get(question.pk)
        if answer is not None:
            data[f"base-{question.code}"] = str(answer.base)
    return data


@login_required
def task_list_view(request: AuthedRequest, code: str, guide: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    return render(
        request,
        "collaboration/task_list.html",
        {"collaboration": collaboration, "guide": guide_obj, "phases": task_list(collaboration, guide_obj)},
    )


@login_required
def guide_review(request: AuthedRequest, code: str, guide: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    return render(
        request,
        "collaboration/review.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "sections": review(collaboration, guide_obj),
            "phase": None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_review(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    phase_obj = Phase.objects.filter(guide=guide_obj, slug=phase).first()
    if phase_obj is None:
        raise Http404("Ingen sådan fas.")
    if request.method == "POST":
        if request.POST.get("action") == "reopen":
            phase_reopen(collaboration=collaboration, phase=phase_obj)
            messages.success(request, _("Fasen ”%(phase)s” är öppnad igen.") % {"phase": phase_obj.title})
            return redirect("phase_review", code=collaboration.code, guide=guide, phase=phase)
        if phase_complete(
            collaboration=collaboration,
            phase=phase_obj,
            user=request.user,
            organisation=acting_organisation(request.user, collaboration),
        ):
            messages.success(request, _("Fasen ”%(phase)s” är markerad som klar.") % {"phase": phase_obj.title})
            return redirect("task_list", code=collaboration.code, guide=guide)
        messages.error(request, _("Markera alla steg i fasen som klara innan ni markerar fasen som klar."))
        return redirect("phase_review", code=collaboration.code, guide=guide, phase=phase)
    rows = task_list(collaboration, guide_obj)
    row = next(r for r in rows if r.phase.pk == phase_obj.pk)
    return render(
        request,
        "collaboration/review.html",
        {
            "collaboration": collaboration,
            "guide": guide_obj,
            "sections": review(collaboration, guide_obj, phase_obj),
            "phase": phase_obj,
            "phase_row": row,
        },
    )


@login_required
def step_history(request: AuthedRequest, code: str, guide: str, phase: str, step: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    page = load_step(collaboration, guide_obj, phase, step)
    revisions: dict[int, list[AnswerRevision]] = {}
    for revision in (
        AnswerRevision.objects.filter(answer__collaboration=collaboration, answer__question__group__step=page.step)
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
def revision_detail(
    request: AuthedRequest, code: str, guide: str, phase: str, step: str, question: str, number: int
) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    page = load_step(collaboration, guide_obj, phase, step)
    question_obj: Question | None = next((q for q in page.questions if q.code == question), None)
    if question_obj is None:
        raise Http404("Ingen sådan fråga.")
    revision = (
        AnswerRevision.objects.filter(answer__collaboration=collaboration, answer__question=question_obj, number=number)
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
