"""The editing page of text written together: one flow for every page where people write shared text.

`edit_page` is the whole request cycle: a draft kept while the writer was signed out comes back, the
conflict view's buttons act without saving, an invalid box keeps every typed word beside its error,
autosave answers with the status region (or 409 data for a conflict), and an explicit save shows both
texts side by side when a colleague saved first. The caller says how to save (`save`) and what to do
after a save that went through (`after_save`): the step pages of the guided process and the agreement's
editing page each call it in a few lines, and so will every future text two people write.

A "page" is any object with `questions` (the boxes: objects with pk, code, text and help), `answers`
(what is stored, by box pk), and `groups` (for `SharedTextForm.rows`: objects with a `heading` and their
`questions`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import drafts
from portal.http import AnyRequest

from .contract import Base, Outcome, SaveReport, text_digest
from .forms import SharedTextForm

# How a page saves: the form's edits, the page's writer token, and whether this is an autosave.
# It answers with the save's report, or with a response of its own when the save was refused.
Save = Callable[[SharedTextForm, bool], "SaveReport | HttpResponse"]
AfterSave = Callable[[SharedTextForm, SaveReport], HttpResponse]


def is_autosave(request: AnyRequest) -> bool:
    return request.method == "POST" and bool(request.htmx) and request.POST.get("action") == "autosave"


def signed_out(request: AnyRequest, template: str) -> HttpResponse | None:
    """The answer to a writer whose session ended, or None when they are signed in.

    An autosave keeps what was posted (drafts.stash) and shows "sign in again" in the status region;
    any other request goes to the sign-in page, a POST with its text kept for when they are back.
    """
    if request.user.is_authenticated:
        return None
    if request.method == "POST" and request.htmx:
        drafts.stash(request)
        return render(request, f"{template}#autosave", {"signed_out": True, "login_next": request.path})
    return drafts.signed_out_response(request)


def edit_page(
    request: AnyRequest,
    *,
    template: str,
    context: dict[str, Any],
    page: Any,
    save: Save,
    after_save: AfterSave,
) -> HttpResponse:
    """Show the page (GET) or take what it posted (POST), by the one save contract.

    `context` is the template's context; it gets `form` and `rows` (and, after a draft was restored,
    `restored_draft`). `save(form, valid)` is called only with a form whose boxes may be saved (every
    box valid, or an autosave, which saves the valid boxes and reports the others).
    """
    autosave = is_autosave(request)
    if request.method == "GET":
        draft = drafts.restore(request)
        if draft is not None:
            form = SharedTextForm(page=page, initial={k: v for k, v in draft.dict().items() if k != "writer"})
            context["restored_draft"] = True
        else:
            form = SharedTextForm(page=page)
        context.update({"form": form, "rows": form.rows()})
        return render(request, template, context)

    # What the writer posts now supersedes the text kept while they were signed out.
    drafts.discard(request)
    data = request.POST.copy()
    resolved = None if autosave else resolution(request, page)
    if resolved is not None:
        return resolve(request, context, page, data, *resolved, template)

    form = SharedTextForm(data, page=page)
    valid = form.is_valid()
    if not valid and not autosave:
        # Nothing is saved; every typed word comes back with the errors beside it.
        context.update({"form": form, "rows": form.rows()})
        return render(request, template, context)
    report = save(form, valid)
    if isinstance(report, HttpResponse):
        return report
    page.answers.update({pk: r.answer for pk, r in report.results.items() if r.answer is not None})
    if autosave:
        return autosave_response(request, context, page, form, report, template)
    if report.conflicts:
        return conflict_page(request, context, page, data, report, template)
    return after_save(form, report)


def resolution(request: AnyRequest, page: Any) -> tuple[str, Any] | None:
    """A conflict-view button: use the stored text, use my text again, or throw my text away."""
    codes = {q.code: q for q in page.questions}
    for action in ("take_theirs", "restore_mine", "discard_mine"):
        code = request.POST.get(action)
        if code in codes:
            return action, codes[code]
    return None


def field_notes(page: Any, report: SaveReport) -> dict[int, dict[str, Any]]:
    notes: dict[int, dict[str, Any]] = {}
    for pk, result in report.results.items():
        notes[pk] = {"outcome": result.outcome.value, "current": result.answer}
    return notes


def autosave_response(
    request: AnyRequest,
    context: dict[str, Any],
    page: Any,
    form: SharedTextForm,
    report: SaveReport,
    template: str,
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
    notes = field_notes(page, report)
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
    return render(request, f"{template}#autosave", context)


def conflict_page(
    request: AnyRequest, context: dict[str, Any], page: Any, data: QueryDict, report: SaveReport, template: str
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
    form = SharedTextForm(data, page=page)
    form.is_valid()
    context.update(
        {
            "form": form,
            "rows": form.rows(field_notes(page, report)),
            "conflicts": [q for q in page.questions if q.pk in report.conflicts],
        }
    )
    return render(request, template, context, status=409)


def resolve(
    request: AnyRequest,
    context: dict[str, Any],
    page: Any,
    data: QueryDict,
    action: str,
    question: Any,
    template: str,
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
    form = SharedTextForm(data, page=page)
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
    return render(request, template, context)
