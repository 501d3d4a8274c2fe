"""A version's page: reading it, comments and change requests, approving it, approvals for a party with no approver."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collaboration.access import (
    acting_organisation,
    approvers,
    get_collaboration_for,
    get_party_without_approver,
    get_public_party_coordinated_by,
    may_register_approvals,
    party_organisations,
)
from collaboration.agreement import approval, drafting, review
from collaboration.forms.agreement import (
    ApproveForm,
    ChangeRequestForm,
    CommentForm,
    FirstApproverForm,
    RegisterApprovalForm,
)
from collaboration.models import (
    Adoption,
    Agreement,
    AgreementComment,
    AgreementState,
    AgreementVersion,
    ChangeRequest,
    Collaboration,
    Role,
)
from collaboration.views.agreement.common import _agreement_for, _party_rows, _version_for
from portal import drafts, once
from portal.http import AnyRequest, AuthedRequest

# --- A version: reading, comments, change requests, approval ---------------------------------------


def _version_context(
    request: AuthedRequest, collaboration: Collaboration, agreement: Agreement, version: AgreementVersion
) -> dict[str, Any]:
    organisations = party_organisations(request.user, collaboration)
    allowed = approvers(request.user, collaboration, version)
    rows = _party_rows(collaboration, version)
    approvals = {r.organisation.pk: r.approval for r in rows if r.approval is not None}
    is_current = agreement.latest_version_id == version.pk
    under_review = is_current and agreement.state == AgreementState.GRANSKNING
    unapproved = [o for o in allowed if o.pk not in approvals]
    change_requests = list(ChangeRequest.objects.filter(version=version).select_related("organisation", "requested_by"))
    for change in change_requests:
        # A party that approved the version after asking for changes has settled its request.
        approval = approvals.get(change.organisation_id)
        change.settled_by = approval if approval is not None and approval.created_at > change.created_at else None  # type: ignore[attr-defined]
    # A party that has approved the version does not ask for changes to it any more.
    asking = [o for o in organisations if o.pk not in approvals]
    threads = review.comment_threads(version)
    sections = [{**s, "threads": threads.get(s["slug"], [])} for s in version.sections]
    return {
        "collaboration": collaboration,
        "agreement": agreement,
        "version": version,
        "snapshot": version.snapshot,
        "sections": sections,
        "general_threads": threads.get("", []),
        "party_rows": rows,
        "no_approver": [r for r in rows if r.no_approver and r.named] if under_review else [],
        "may_register": may_register_approvals(request.user, collaboration) if under_review else [],
        "approvals": approvals,
        "change_requests": change_requests,
        "is_current": is_current,
        "under_review": under_review,
        "is_adopted": agreement.adopted_version_id == version.pk,
        "adoption": Adoption.objects.filter(version=version).first(),
        "notice": drafting.state_notice(agreement) if is_current else "",
        "newer": None if is_current else agreement.latest_version,
        "approve_form": ApproveForm(organisations=unapproved, auto_id="godkann-%s")
        if under_review and unapproved
        else None,
        "may_approve_for": allowed,
        "is_member": bool(organisations),
        "change_form": ChangeRequestForm(organisations=asking, auto_id="andring-%s")
        if under_review and asking
        else None,
        "comment_form": CommentForm(auto_id=False) if organisations else None,
        "roles": Role,
    }


@login_required
@require_safe
def agreement_version(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    context = _version_context(request, collaboration, agreement, version)
    draft = drafts.restore(request)
    if draft is not None:
        _restore_draft(context, draft)
    return render(request, "collaboration/agreement/version.html", context)


def _restore_draft(context: dict[str, Any], draft: Any) -> None:
    """Put what was posted while signed out back into the version page's form it came from."""
    context["restored_draft"] = True
    if "message" in draft and context["change_form"] is not None:
        form = context["change_form"]
        form.initial.update({k: draft.get(k, "") for k in ("organisation", "message") if draft.get(k)})
        context["restored_change"] = True
    elif "decision_reference" in draft and context["approve_form"] is not None:
        form = context["approve_form"]
        form.initial.update({k: draft.get(k, "") for k in ("organisation", "decision_reference") if draft.get(k)})
    elif "text" in draft and context["comment_form"] is not None:
        context["restored_comment"] = draft.get("text", "")
        context["restored_section"] = draft.get("section", "")
        context["restored_reply_to"] = draft.get("reply_to", "")
    else:
        # The form it came from is not on the page any more (the version was approved, adopted or
        # replaced): the text is shown as it was typed, to copy.
        context["restored_orphan"] = next(
            (draft.get(k) for k in ("text", "message", "decision_reference") if draft.get(k)), ""
        )
        context["restored_draft"] = bool(context["restored_orphan"])  # an approval click typed nothing


def keep_for_version_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`drafts.keep_post_when_signed_out` for the version page's forms, which post to URLs of their own.

    A signed-out comment, change request or decision reference is kept for the version page
    (where `agreement_version` offers it again) and signing in leads back there, not to a
    POST-only URL. Any signed-in POST from the page replaces the draft kept for it.
    """

    @wraps(view)
    def wrapper(request: AnyRequest, code: Any, number: int, **kwargs: Any) -> HttpResponse:
        page = reverse("agreement_version", args=[code, number])
        if not request.user.is_authenticated:
            return drafts.signed_out_response(request, page)
        if request.method == "POST":
            drafts.discard(request, page)
        return view(request, code, number, **kwargs)

    return wrapper


def _version_page_with(
    request: AuthedRequest,
    collaboration: Collaboration,
    agreement: Agreement,
    version: AgreementVersion,
    **forms_: Any,
) -> HttpResponse:
    context = _version_context(request, collaboration, agreement, version)
    context.update(forms_)
    return render(request, "collaboration/agreement/version.html", context, status=400)


@keep_for_version_page
@require_POST
def agreement_approve(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    here = reverse("agreement_version", args=[collaboration.code, number])
    allowed = approvers(request.user, collaboration)
    if not allowed:
        context = _version_context(request, collaboration, agreement, version)
        context["refused"] = _(
            "Du kan inte godkänna avsiktsförklaringen för någon av parterna. Se vem som får göra det nedan."
        )
        return render(request, "collaboration/agreement/version.html", context, status=403)
    form = ApproveForm(request.POST, organisations=allowed, auto_id="godkann-%s")
    if not form.is_valid():
        return _version_page_with(request, collaboration, agreement, version, approve_form=form)
    outcome = approval.agreement_approve(
        version=version,
        user=request.user,
        organisation=form.chosen(),
        decision_reference=form.cleaned_data["decision_reference"],
    )
    org = form.chosen().name
    if outcome is approval.ApproveOutcome.ADOPTED:
        messages.success(
            request, _("Alla parter har godkänt version %(n)d. Avsiktsförklaringen är fastställd.") % {"n": number}
        )
    elif outcome is approval.ApproveOutcome.APPROVED:
        messages.success(
            request,
            _("%(org)s har godkänt version %(n)d. Nu väntar vi på de andra parterna.") % {"org": org, "n": number},
        )
    elif outcome is approval.ApproveOutcome.ALREADY:
        messages.info(request, _("%(org)s har redan godkänt version %(n)d.") % {"org": org, "n": number})
    elif outcome is approval.ApproveOutcome.OUTDATED:
        messages.error(
            request,
            _(
                "Version %(n)d kan inte godkännas längre: texten har ändrats efter att den skickades. Godkänn den senaste versionen när den har skickats."
            )
            % {"n": number},
        )
    elif outcome is approval.ApproveOutcome.OTHER_PARTY:
        messages.error(
            request,
            _(
                "Du har redan godkänt version %(n)d för en annan part. En person godkänner bara för en part, "
                "så någon annan i %(org)s behöver godkänna."
            )
            % {"org": org, "n": number},
        )
    elif outcome is approval.ApproveOutcome.NOT_NAMED:
        messages.error(
            request,
            _(
                "%(org)s är inte part i version %(n)d, så den kan inte godkänna den. "
                "Nästa version som skickas för granskning får med %(org)s."
            )
            % {"org": org, "n": number},
        )
    elif outcome is approval.ApproveOutcome.TAMPERED:
        messages.error(
            request,
            _(
                "Version %(n)d kunde inte kontrolleras mot sin kontrollsumma, så den kan inte godkännas eller "
                "fastställas. Inget är sparat. Portalens förvaltare har fått veta det."
            )
            % {"n": number},
        )
    else:
        messages.error(request, _("Du kan inte godkänna för %(org)s. Se vem som får göra det nedan.") % {"org": org})
    return redirect(here)


@keep_for_version_page
@require_POST
@once.once_per_form(gettext_lazy("Er begäran om ändringar är redan skickad. Du skickade formuläret en gång till."))
def agreement_request_changes(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    organisations = party_organisations(request.user, collaboration)
    if not (agreement.latest_version_id == version.pk and agreement.state == AgreementState.GRANSKNING):
        # A page opened before the text changed, was sent again or was adopted: nothing to ask of this version.
        context = _version_context(request, collaboration, agreement, version)
        context["refused"] = _(
            "Version %(n)d är inte längre för granskning, så din begäran om ändringar skickades inte. "
            "Läs den nuvarande texten och kommentera den i stället."
        ) % {"n": version.number}
        context["refused_text"] = request.POST.get("message", "")
        return render(request, "collaboration/agreement/version.html", context, status=409)
    form = ChangeRequestForm(request.POST, organisations=organisations, auto_id="andring-%s")
    if not form.is_valid():
        return _version_page_with(request, collaboration, agreement, version, change_form=form)
    try:
        with once.creating(request) as created_at:
            change = review.agreement_request_changes(
                version=version, user=request.user, organisation=form.chosen(), message=form.cleaned_data["message"]
            )
            where = reverse("agreement_version", args=[collaboration.code, number]) + f"#andring-{change.code}"
            created_at(where)
    except review.AlreadyApproved:
        # A page opened before the party approved: the request is not sent, and what was typed is shown.
        context = _version_context(request, collaboration, agreement, version)
        context["refused"] = _(
            "%(org)s har redan godkänt version %(n)d, så er begäran om ändringar skickades inte. "
            "Skriv en kommentar i stället om något behöver sägas."
        ) % {"org": form.chosen().name, "n": version.number}
        context["refused_text"] = form.cleaned_data["message"]
        return render(request, "collaboration/agreement/version.html", context, status=409)
    messages.success(request, _("Er begäran om ändringar är skickad till de andra parterna."))
    return redirect(where)


@keep_for_version_page
@require_POST
@once.once_per_form(gettext_lazy("Din kommentar är redan publicerad. Du skickade den en gång till."))
def agreement_comment(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    organisations = party_organisations(request.user, collaboration)
    if not organisations:
        raise Http404("Ingen part att kommentera för.")
    form = CommentForm(request.POST, auto_id=False)
    slugs = {s["slug"] for s in version.sections}
    if form.is_valid() and form.cleaned_data["section"] and form.cleaned_data["section"] not in slugs:
        form.add_error("section", _("Avsnittet finns inte i den här versionen."))
    parent = None
    if form.is_valid() and form.cleaned_data["reply_to"]:
        parent = AgreementComment.objects.filter(version=version, code=form.cleaned_data["reply_to"]).first()
        if parent is None:
            form.add_error("reply_to", _("Kommentaren du svarar på finns inte längre."))
    if not form.is_valid():
        context = _version_context(request, collaboration, agreement, version)
        context.update(
            {
                "comment_errors": form.errors,
                "restored_comment": request.POST.get("text", ""),
                "restored_section": request.POST.get("section", ""),
                "restored_reply_to": request.POST.get("reply_to", ""),
            }
        )
        return render(request, "collaboration/agreement/version.html", context, status=400)
    organisation = acting_organisation(request.user, collaboration) or organisations[0]
    with once.creating(request) as created_at:
        comment = review.agreement_comment(
            version=version,
            user=request.user,
            organisation=organisation,
            section_slug=form.cleaned_data["section"] or "",
            text=form.cleaned_data["text"],
            parent=parent,
        )
        where = reverse("agreement_version", args=[collaboration.code, number]) + f"#kommentar-{comment.code}"
        created_at(where)
    messages.success(request, _("Din kommentar är publicerad."))
    return redirect(where)


@login_required
@require_POST
def agreement_comment_resolve(request: AuthedRequest, code: str, number: int, comment: str) -> HttpResponse:
    collaboration = get_collaboration_for(request.user, code)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    obj = AgreementComment.objects.filter(version=version, code=comment, parent__isnull=True).first()
    if obj is None or not party_organisations(request.user, collaboration):
        raise Http404("Ingen sådan kommentar.")
    resolved = request.POST.get("action") != "reopen"
    review.comment_resolve(comment=obj, user=request.user, resolved=resolved)
    messages.success(request, _("Tråden är markerad som löst.") if resolved else _("Tråden är öppnad igen."))
    return redirect(reverse("agreement_version", args=[collaboration.code, number]) + f"#kommentar-{obj.code}")


# --- A party nobody in the portal may approve for ----------------------------------------------------


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Inbjudan är redan skickad. Du skickade formuläret en gång till."))
def agreement_invite_approver(request: AuthedRequest, code: str, organisation: str) -> HttpResponse:
    """A public party's coordinator invites the first coordinator of a party nobody may approve for."""
    collaboration = get_collaboration_for(request.user, code)
    get_public_party_coordinated_by(request.user, collaboration)
    party = get_party_without_approver(collaboration, organisation)
    draft = drafts.restore(request) if request.method == "GET" else None
    form = FirstApproverForm(
        request.POST if request.method == "POST" else draft, organisation=party, collaboration=collaboration
    )
    if request.method == "POST" and form.is_valid():
        back = reverse("agreement_detail", args=[collaboration.code]) + "#utan-godkannare"
        with once.creating(request) as created_at:
            sent = approval.invite_first_approver(
                collaboration=collaboration,
                organisation=party,
                email=form.cleaned_data["email"],
                user=request.user,
                request=request,
            )
            created_at(back)
        if sent is None:
            messages.error(request, _("%(org)s har redan någon som kan godkänna.") % {"org": party.name})
        else:
            messages.success(
                request,
                _(
                    "En inbjudan till %(email)s är skickad. När personen har tagit emot den kan hen godkänna "
                    "avsiktsförklaringen för %(org)s."
                )
                % {"email": form.cleaned_data["email"], "org": party.name},
            )
        return redirect(back)
    return render(
        request,
        "collaboration/agreement/invite_approver.html",
        {"collaboration": collaboration, "organisation": party, "form": form, "restored_draft": draft is not None},
        status=400 if request.method == "POST" else 200,
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def agreement_register_approval(request: AuthedRequest, code: str, number: int, organisation: str) -> HttpResponse:
    """Register a party's approval given outside the portal (a board decision), for a party nobody may approve for."""
    collaboration = get_collaboration_for(request.user, code)
    acting = get_public_party_coordinated_by(request.user, collaboration)
    agreement = _agreement_for(collaboration)
    version = _version_for(agreement, number)
    party = get_party_without_approver(collaboration, organisation, posted=request.method == "POST")
    here = reverse("agreement_version", args=[collaboration.code, number])
    under_review = agreement.latest_version_id == version.pk and agreement.state == AgreementState.GRANSKNING
    if party.pk not in {o.pk for o in version.named_organisations()}:
        raise Http404("Parten är inte med i den här versionen.")
    context: dict[str, Any] = {
        "collaboration": collaboration,
        "agreement": agreement,
        "version": version,
        "organisation": party,
        "acting": acting,
        "under_review": under_review,
    }
    if request.method == "GET":
        draft = drafts.restore(request)
        # A second click is answered by the workflow ("already approved"), so no one-time token is needed.
        context["form"] = RegisterApprovalForm(draft, version=version) if draft is not None else None
        if context["form"] is None:
            context["form"] = RegisterApprovalForm(version=version)
        context["restored_draft"] = draft is not None
        return render(request, "collaboration/agreement/register_approval.html", context)
    form = RegisterApprovalForm(request.POST, version=version)
    context["form"] = form
    if not under_review:
        context["refused"] = _(
            "Version %(n)d är inte längre för granskning, så godkännandet registrerades inte. Det du skrev står kvar nedan."
        ) % {"n": version.number}
        return render(request, "collaboration/agreement/register_approval.html", context, status=409)
    if not form.is_valid():
        return render(request, "collaboration/agreement/register_approval.html", context, status=400)
    outcome = approval.agreement_register_approval(
        version=version,
        user=request.user,
        organisation=party,
        acting=acting,
        person_name=form.cleaned_data["person_name"],
        role_title=form.cleaned_data["role_title"],
        decided_on=form.cleaned_data["decided_on"],
        decision_reference=form.cleaned_data["decision_reference"],
        typed_hash=form.cleaned_data["version_hash"],
    )
    if outcome is approval.RegisterOutcome.ADOPTED:
        messages.success(
            request, _("Alla parter har godkänt version %(n)d. Avsiktsförklaringen är fastställd.") % {"n": number}
        )
    elif outcome is approval.RegisterOutcome.REGISTERED:
        messages.success(
            request,
            _("Godkännandet från %(org)s är registrerat, märkt som registrerat av dig.") % {"org": party.name},
        )
    elif outcome is approval.RegisterOutcome.ALREADY:
        messages.info(request, _("%(org)s har redan godkänt version %(n)d.") % {"org": party.name, "n": number})
    else:
        context["refused"] = {
            approval.RegisterOutcome.OUTDATED: _(
                "Version %(n)d är inte längre för granskning, så godkännandet registrerades inte."
            ),
            approval.RegisterOutcome.HAS_APPROVER: _(
                "Nu finns det någon i portalen som kan godkänna för %(org)s. Den personen godkänner själv."
            ),
            approval.RegisterOutcome.TAMPERED: _(
                "Version %(n)d kunde inte kontrolleras mot sin kontrollsumma och fastställdes inte. "
                "Portalens förvaltare har fått veta det."
            ),
        }.get(outcome, _("Godkännandet kunde inte registreras.")) % {"n": number, "org": party.name}
        return render(request, "collaboration/agreement/register_approval.html", context, status=409)
    return redirect(here + "#godkannanden")
