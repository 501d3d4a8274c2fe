"""The guided process: task list, step pages with autosave, review, history."""

from __future__ import annotations

import re
import secrets
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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration import services
from collaboration.access import acting_organisation, get_collaboration_for
from collaboration.forms import ANSWER_MAX_LENGTH
from collaboration.models import (
    AnswerRevision,
    Base,
    Collaboration,
    Edit,
    Organisation,
    Outcome,
    Phase,
    Question,
    StepAssignment,
    StepStatus,
    party_filter,
    text_digest,
)
from collaboration.process import (
    ConfirmOutcome,
    SaveReport,
    StepPage,
    answer_party,
    compare,
    confirming_organisations,
    get_guide,
    load_step,
    phase_agreements,
    phase_confirm,
    phase_reopen,
    review,
    shared_phases,
    step_save,
    task_list,
)
from portal import drafts
from portal.http import AnyRequest, AuthedRequest
from portal.text import MultilineField

WRITER_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def new_writer_token() -> str:
    """One token per loaded editing page: the unit that "my own earlier save" is decided for."""
    return secrets.token_urlsafe(12)


class StepForm(forms.Form):
    """One text field per question, the base each field was loaded from, and the page's writer token.

    Two optional hidden fields per question carry a conflict's resolution: `seen-` is
    the colleague's version the writer was shown beside their own text, `mine-` is the
    writer's own text kept aside after they chose to use the stored one.
    """

    writer = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, page: StepPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        if not self.is_bound:
            self.initial.setdefault("writer", new_writer_token())
        for question in page.questions:
            answer = page.answers.get(question.pk)
            self.fields[f"answer-{question.code}"] = MultilineField(
                label=question.text,
                help_text=question.help,
                required=False,
                strip=False,
                max_length=ANSWER_MAX_LENGTH,
                initial=answer.text if answer else "",
                widget=forms.Textarea(attrs={"rows": 5, "data-answer": question.code}),
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
            self.fields[f"seen-{question.code}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[f"mine-{question.code}"] = MultilineField(required=False, strip=False, widget=forms.HiddenInput)

    def clean_writer(self) -> str:
        token = self.cleaned_data.get("writer") or ""
        # A page without a readable token is a writer of its own, never another page's.
        return token if WRITER_TOKEN.match(token) else new_writer_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.startswith(("answer-", "mine-")) and isinstance(value, str):
                # Browsers send CRLF line breaks; store the text as the writer sees it.
                data[name] = value.replace("\r\n", "\n")
        return data

    def writer_token(self) -> str:
        return str(self.cleaned_data.get("writer") or new_writer_token())

    def edits(self, *, explicit: bool) -> list[Edit]:
        """The boxes that were posted and are valid. A missing box is "not sent", never "cleared".

        Only an explicit save (a button, not autosave) may write over the version the
        writer was shown in the conflict view.
        """
        edits = []
        for q in self.page.questions:
            name = f"answer-{q.code}"
            if name not in self.data or self.has_error(name) or name not in self.cleaned_data:
                continue
            edits.append(
                Edit(
                    slot=q,
                    text=self.cleaned_data[name],
                    base=Base.parse(self.cleaned_data.get(f"base-{q.code}", "")),
                    seen=Base.parse(self.cleaned_data.get(f"seen-{q.code}", "")) if explicit else None,
                )
            )
        return edits

    def rows(self, notes: dict[int, dict[str, Any]] | None = None) -> list[tuple[Any, list[dict[str, Any]]]]:
        notes = notes or {}
        # A page that shows text the server does not hold (after an error, in a conflict, a restored
        # draft) marks those boxes: portal.js guards leaving them until they are saved.
        for q in self.page.questions:
            stored = self.page.answers.get(q.pk)
            if self._value(f"answer-{q.code}") != (stored.text if stored else ""):
                self.fields[f"answer-{q.code}"].widget.attrs["data-unsaved"] = "true"
        return [
            (
                group,
                [
                    {
                        "question": q,
                        "field": self[f"answer-{q.code}"],
                        "answer": self.page.answers.get(q.pk),
                        "mine": self._value(f"mine-{q.code}"),
                        **notes.get(q.pk, {}),
                    }
                    for q in group.questions.all()
                ],
            )
            for group in self.page.groups
        ]

    def _value(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value).replace("\r\n", "\n")

    def hidden_state(self) -> list[Any]:
        fields = [self["writer"]]
        for q in self.page.questions:
            fields += [self[f"base-{q.code}"], self[f"seen-{q.code}"], self[f"mine-{q.code}"]]
        return fields


def _step_url(collaboration: Collaboration, guide_slug: str, phase_slug: str, step_slug: str) -> str:
    return reverse("step", args=[collaboration.code, guide_slug, phase_slug, step_slug])


def _resolution(request: AnyRequest, page: StepPage) -> tuple[str, Question] | None:
    """A conflict-view button: use the stored text, use my text again, or throw my text away."""
    codes = {q.code: q for q in page.questions}
    for action in ("take_theirs", "restore_mine", "discard_mine"):
        code = request.POST.get(action)
        if code in codes:
            return action, codes[code]
    return None


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
    action = request.POST.get("action", "save-later")
    autosave = request.method == "POST" and bool(request.htmx) and action == "autosave"
    acting = acting_organisation(authed.user, collaboration, phase_slug=phase, guide_slug=guide)
    page = load_step(collaboration, guide_obj, phase, step, party=acting, for_autosave=autosave)
    context: dict[str, Any] = {"collaboration": collaboration, "page": page, "guide": guide_obj, "acting": acting}

    if request.method == "GET":
        draft = drafts.restore(request)
        if draft is not None:
            form = StepForm(page=page, initial={k: v for k, v in draft.dict().items() if k != "writer"})
            context["restored_draft"] = True
        else:
            form = StepForm(page=page)
        context.update({"form": form, "rows": form.rows()})
        return render(request, "collaboration/step.html", context)

    # What the writer posts now supersedes the text kept while they were signed out.
    drafts.discard(request)
    data = request.POST.copy()

    resolution = None if autosave else _resolution(request, page)
    if resolution is not None:
        return _resolve(request, context, page, data, *resolution)

    form = StepForm(data, page=page)
    valid = form.is_valid()
    if not valid and not autosave:
        # Nothing is saved; every typed word comes back with the errors beside it.
        context.update({"form": form, "rows": form.rows()})
        return render(request, "collaboration/step.html", context)

    mark = {"save-done": StepStatus.DONE, "reopen": StepStatus.IN_PROGRESS}.get(action) if valid else None
    # Marking a step done with questions left empty is asked once (see _ask_before_done): save first.
    ask_unanswered = mark == StepStatus.DONE and request.POST.get("unanswered") != "confirmed"
    if ask_unanswered:
        mark = None
    report = step_save(
        collaboration=collaboration,
        step=page.step,
        edits=form.edits(explicit=not autosave),
        writer=form.writer_token(),
        user=authed.user,
        organisation=acting,
        party=page.party,
        mark=mark,
    )
    page.answers.update({pk: r.answer for pk, r in report.results.items() if r.answer is not None})

    if autosave:
        return _autosave_response(request, context, page, form, report)

    if report.conflicts:
        return _conflict_page(request, context, page, data, report)
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
        return redirect(path)
    else:
        messages.success(request, _("Dina svar är sparade."))
    if action == "save":
        return redirect(path)
    if action in ("save-continue", "save-done") and page.next is not None:
        return redirect(_step_url(collaboration, guide, page.next.phase.slug, page.next.slug))
    return redirect("task_list", code=collaboration.code, guide=guide)


def _ask_before_done(
    request: AnyRequest, context: dict[str, Any], unanswered: list[Question], report: SaveReport
) -> HttpResponse:
    """Everything typed is saved; ask once whether the step is done although some questions are empty.

    The page posts back to the step with `unanswered=confirmed` and no answers, so the
    saved texts stay as they are; "Fortsätt skriva" opens the step again.
    """
    context.update({"unanswered": unanswered, "saved_any": bool(report.saved)})
    return render(request, "collaboration/step_unanswered.html", context)


def _field_notes(page: StepPage, report: SaveReport) -> dict[int, dict[str, Any]]:
    notes: dict[int, dict[str, Any]] = {}
    for pk, result in report.results.items():
        notes[pk] = {"outcome": result.outcome.value, "current": result.answer}
    return notes


def _autosave_response(
    request: AnyRequest, context: dict[str, Any], page: StepPage, form: StepForm, report: SaveReport
) -> HttpResponse:
    """The status region, each touched field's status and "Senast ändrat", and what the page must know.

    The browser moves a box's base only as the data says: to a saved version of exactly
    the text it posted, or, for a box the writer has still not touched, together with
    the colleague's newer text (portal.js decides that, since only it knows what the box
    shows when the answer arrives).
    """
    invalid = [q for q in page.questions if form.has_error(f"answer-{q.code}")]
    results = []
    for q in page.questions:
        result = report.results.get(q.pk)
        if result is None:
            continue
        entry: dict[str, Any] = {"code": q.code, "outcome": result.outcome.value, "base": str(result.base)}
        if result.outcome is Outcome.STALE and result.answer is not None:
            entry.update({"text": result.answer.text, "current_base": str(result.answer.base)})
        results.append(entry)
    notes = _field_notes(page, report)
    for q in invalid:
        notes[q.pk] = {"outcome": "invalid", "errors": form.errors[f"answer-{q.code}"]}
    context.update(
        {
            "form": form,
            "rows": form.rows(notes),
            "notes": [(q, page.answers.get(q.pk), notes[q.pk]) for q in page.questions if q.pk in notes],
            "invalid": invalid,
            "conflicts": [q for q in page.questions if q.pk in report.conflicts],
            "saved_at": timezone.localtime() if report.saved else None,
            "autosave_data": {"results": results},
        }
    )
    return render(request, "collaboration/step.html#autosave", context)


def _conflict_page(
    request: AnyRequest, context: dict[str, Any], page: StepPage, data: QueryDict, report: SaveReport
) -> HttpResponse:
    """Both texts side by side for every box that conflicts (409); nothing of the writer's is lost.

    The conflicting box keeps the writer's text and its old base; `seen-` records the
    colleague's version shown beside it, so that an explicit save writes over exactly
    that version and nothing newer. A box the writer never touched shows the
    colleague's newer text, on its version: this page replaces the whole form.
    """
    for pk, result in report.results.items():
        q = next(q for q in page.questions if q.pk == pk)
        if result.outcome is Outcome.CONFLICT and result.answer is not None:
            data[f"seen-{q.code}"] = str(result.answer.base)
        elif result.outcome is Outcome.STALE and result.answer is not None:
            data[f"answer-{q.code}"] = result.answer.text
            data[f"base-{q.code}"] = str(result.answer.base)
        else:
            data[f"base-{q.code}"] = str(result.base)
    form = StepForm(data, page=page)
    form.is_valid()
    context.update(
        {
            "form": form,
            "rows": form.rows(_field_notes(page, report)),
            "conflicts": [q for q in page.questions if q.pk in report.conflicts],
        }
    )
    return render(request, "collaboration/step.html", context, status=409)


def _resolve(
    request: AnyRequest, context: dict[str, Any], page: StepPage, data: QueryDict, action: str, question: Question
) -> HttpResponse:
    """Act on a conflict-view button without saving: the writer saves when they choose to."""
    code = question.code
    current = page.answers.get(question.pk)
    mine = data.get(f"answer-{code}", "").replace("\r\n", "\n")
    if action == "take_theirs":
        # The stored text goes into the box; the writer's own text stays beside it until they save.
        if mine and (current is None or mine != current.text):
            data[f"mine-{code}"] = mine
        data[f"answer-{code}"] = current.text if current else ""
        data[f"base-{code}"] = str(current.base if current else Base(0, text_digest("")))
        data[f"seen-{code}"] = ""
        notice = _("Rutan visar nu den sparade texten. Din egen text finns kvar bredvid tills du sparar.")
    elif action == "restore_mine":
        data[f"answer-{code}"] = data.get(f"mine-{code}", "")
        data[f"mine-{code}"] = ""
        notice = _("Din egen text står i rutan igen. Spara när du har bestämt dig.")
    else:
        data[f"mine-{code}"] = ""
        notice = _("Din egen text är borttagen.")
    form = StepForm(data, page=page)
    form.is_valid()
    # Every other box still in conflict keeps its comparison on screen: a save from this page
    # writes over only what the writer can see.
    notes: dict[int, dict[str, Any]] = {}
    for q in page.questions:
        current = page.answers.get(q.pk)
        if q.pk != question.pk and current is not None and data.get(f"seen-{q.code}"):
            notes[q.pk] = {"outcome": Outcome.CONFLICT.value, "current": current}
    context.update(
        {
            "form": form,
            "rows": form.rows(notes),
            "resolution_notice": notice,
            "conflicts": [q for q in page.questions if q.pk in notes],
        }
    )
    return render(request, "collaboration/step.html", context)


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
            # Issue 7: who is responsible for each step, and by when (one query).
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


class PartyChoiceForm(forms.Form):
    """Which of the person's party organisations they act for; asked only when there are several."""

    organisation = forms.ChoiceField(
        label=gettext_lazy("Du bekräftar för"),
        error_messages={
            "required": gettext_lazy("Välj vilken part du bekräftar för."),
            "invalid_choice": gettext_lazy("Välj en av parterna i listan."),
        },
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.code): o for o in organisations}
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, o.name) for code, o in self.organisations.items()]
        if len(organisations) == 1:
            # Nothing to choose: the person's one party (also when the hidden field is not sent).
            field.initial = str(organisations[0].code)
            field.widget = forms.HiddenInput()
            field.required = False

    def clean_organisation(self) -> str:
        value = self.cleaned_data.get("organisation") or ""
        if not value and len(self.organisations) == 1:
            return next(iter(self.organisations))
        return value

    def chosen(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]


class ReopenForm(PartyChoiceForm):
    reason = forms.CharField(
        label=gettext_lazy("Varför öppnar ni fasen igen?"),
        help_text=gettext_lazy("De andra parterna ser det här i händelseloggen."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Skriv varför ni öppnar fasen igen."),
            "max_length": gettext_lazy("Skriv högst %(limit_value)d tecken (nu %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = gettext_lazy("Du öppnar fasen för")
        self.fields["organisation"].error_messages["required"] = gettext_lazy("Välj vilken part du öppnar fasen för.")


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def phase_review(request: AuthedRequest, code: str, guide: str, phase: str) -> HttpResponse:
    """The phase's answers, and each party's "Vi är överens" (see process.phase_confirm)."""
    collaboration = get_collaboration_for(request.user, code)
    guide_obj = get_guide(guide)
    phase_obj = Phase.objects.filter(guide=guide_obj, slug=phase).first()
    if phase_obj is None:
        raise Http404("Ingen sådan fas.")
    acting = acting_organisation(request.user, collaboration, phase_slug=phase, guide_slug=guide)
    answer_party(phase_obj, acting)  # 404 for a phase closed to the party (per-party answers: issue 7)
    organisations = confirming_organisations(request.user, collaboration)
    agreement = phase_agreements(collaboration, [phase_obj])[phase_obj.pk]
    # Confirm for a party that has not yet; all of them may confirm again once nobody is awaited
    # (the last awaited party left), which completes the phase.
    unconfirmed = (
        organisations
        if agreement.everyone_confirmed
        else [o for o in organisations if agreement.confirmed_by(o) is None]
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
            "agreement": row.agreement,
            "confirm_form": confirm_form,
            "reopen_form": reopen_form,
            "may_confirm": bool(unconfirmed) and row.completion is None,
            "may_reopen": bool(organisations) and (row.completion is not None or bool(agreement.confirmations)),
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
    phase_obj = Phase.objects.filter(guide=guide_obj, slug=phase_slug).first()
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
    changed = services.share_answers(
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
