from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from collaboration import organisations as organisation_workflows
from collaboration.access import (
    check_may_register_organisation,
    get_organisation_for_coordinator,
    get_organisation_for_management,
)
from collaboration.forms.organisations import (
    AcceptInvitationForm,
    FirstCoordinatorInvitationForm,
    InvitationForm,
    LocalCompactForm,
    MembershipForm,
    OrganisationClaimForm,
    OrganisationForm,
)
from collaboration.models import Collaboration, Invitation, MailStatus, Membership, Organisation, Role
from portal import drafts, once
from portal.http import AnyRequest, AuthedRequest
from portal.models import User
from portal.text import normalise_email


@login_required
@require_safe
def organisation_list(request: AuthedRequest) -> HttpResponse:
    memberships = list(Membership.objects.active().filter(user=request.user).select_related("organisation"))
    coordinated = [m.organisation for m in memberships if m.role == Role.COORDINATOR]
    registered = list(
        Organisation.objects.filter(registered_by__in=coordinated)
        .select_related("registered_by")
        .annotate(
            has_coordinator=Exists(
                Membership.objects.active().filter(organisation=OuterRef("pk"), role=Role.COORDINATOR)
            )
        )
        .order_by("name")
        if coordinated
        else []
    )
    return render(
        request,
        "collaboration/organisation_list.html",
        {"memberships": memberships, "registered": registered, "is_coordinator": bool(coordinated)},
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Organisationen är redan registrerad. Du skickade formuläret en gång till."))
def organisation_create(request: AuthedRequest) -> HttpResponse:
    coordinated = check_may_register_organisation(request.user)
    draft = drafts.restore(request) if request.method == "GET" else None
    form = OrganisationForm(request.POST if request.method == "POST" else draft)
    if request.method == "POST" and form.is_valid():
        with once.creating(request) as created_at:
            organisation = organisation_workflows.organisation_register(
                user=request.user, registering_organisation=coordinated[0], **form.cleaned_data
            )
            created_at(reverse("organisation_detail", args=[organisation.code]))
        messages.success(
            request,
            _(
                "%(name)s är registrerad och kan nu bjudas in som part. Den visas som ej verifierad "
                "tills portalens administratör har kontrollerat den."
            )
            % {"name": organisation.name},
        )
        return redirect("organisation_detail", code=organisation.code)
    # A duplicate organisationsnummer: say which organisation it is and how to claim it.
    existing = getattr(form, "existing_organisation", None)
    return render(
        request,
        "collaboration/organisation_form.html",
        {"form": form, "existing": existing, "restored_draft": draft is not None},
    )


@login_required
@require_safe
def organisation_detail(request: AuthedRequest, code: str) -> HttpResponse:
    organisation, manages = get_organisation_for_management(request.user, code)
    if not manages:
        # The registering side sees only what it did itself: the first-coordinator invitation it sent.
        # (get_organisation_for_management already answers 404 once the organisation has a coordinator.)
        invitations = list(
            organisation.invitations.pending()
            .filter(invited_by=request.user, role=Role.COORDINATOR)
            .select_related("invited_by")
        )
        return render(
            request,
            "collaboration/organisation_detail.html",
            {"organisation": organisation, "manages": False, "invitations": invitations, "can_invite": True},
        )
    members = list(organisation.memberships.select_related("user").order_by("-is_active", "user__full_name"))
    invitations = list(organisation.invitations.pending().select_related("invited_by"))
    collaborations = Collaboration.objects.with_party(organisation).for_listing().order_by("-updated_at")[:50]
    return render(
        request,
        "collaboration/organisation_detail.html",
        {
            "organisation": organisation,
            "manages": True,
            "members": members,
            "invitations": invitations,
            "collaborations": collaborations,
            "can_invite": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthedRequest, code: str) -> HttpResponse:
    """Coordinators record their organisation's local överenskommelse (exists, since which year, link)."""
    organisation = get_organisation_for_coordinator(request.user, code)
    initial = {
        "has_local_compact": "ja" if organisation.has_local_compact else "nej",
        "local_compact_since": organisation.local_compact_since,
        "local_compact_url": organisation.local_compact_url,
        "loaded": organisation_workflows.compact_state(organisation),
    }
    form = LocalCompactForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    moved_on: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = organisation_workflows.organisation_compact_update(
            organisation=organisation,
            has_local_compact=data["has_local_compact"],
            local_compact_since=data["local_compact_since"],
            local_compact_url=data["local_compact_url"],
            loaded=form.loaded_digests(),
        )
        if not result.moved_on:
            if result.changed:
                messages.success(request, _("Uppgifterna om överenskommelsen är sparade."))
            else:
                messages.info(request, _("Du ändrade ingenting."))
            return redirect("organisation_detail", code=organisation.code)
        # A colleague changed some of the same fields meanwhile: theirs stand and are shown, the
        # person's own stay in the form, and the page now stands on what is stored.
        moved_on = result.moved_on
        posted = request.POST.copy()
        posted["loaded"] = organisation_workflows.compact_state(organisation)
        form = LocalCompactForm(posted, initial=initial)
        form.is_valid()
        status = 409
    return render(
        request,
        "collaboration/organisation_edit.html",
        {
            "organisation": organisation,
            "form": form,
            "moved_on": [str(form[name].label) for name in moved_on],
        },
        status=status,
    )


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
@once.once_per_form(gettext_lazy("Inbjudan är redan skickad. Du skickade formuläret en gång till."))
def invitation_create(request: AuthedRequest, code: str) -> HttpResponse:
    organisation, manages = get_organisation_for_management(request.user, code)
    data = request.POST if request.method == "POST" else drafts.restore(request)
    if manages:
        form: InvitationForm = InvitationForm(data, organisation=organisation)
    else:
        # The registering side invites only the first coordinator, and not one of its own people.
        form = FirstCoordinatorInvitationForm(data, organisation=organisation, roles=[Role.COORDINATOR])
    if request.method == "POST" and form.is_valid():
        with once.creating(request) as created_at:
            sent = organisation_workflows.invitation_send(
                request=request,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
            created_at(sent.invitation.page_url())
        # Read after the commit, when the mail has been queued (or, with the immediate backend, tried).
        status = Invitation.objects.filter(pk=sent.invitation.pk).values_list("mail_status", flat=True).first()
        if status == MailStatus.FAILED:
            once.forget(sent.invitation.page_url())  # inviting again must be possible at once
        email = form.cleaned_data["email"]
        if status == MailStatus.SENT:
            messages.success(request, _("En inbjudan har skickats till %(email)s.") % {"email": email})
        elif status == MailStatus.QUEUED:
            messages.success(
                request,
                _("En inbjudan till %(email)s skickas nu. I listan nedan ser du när den har gått iväg.")
                % {"email": email},
            )
        else:
            messages.warning(
                request,
                _(
                    "Inbjudan till %(email)s kunde inte skickas: e-postmeddelandet gick inte iväg. "
                    "Försök igen om en stund. Fungerar det ändå inte, kontakta portalens förvaltare."
                )
                % {"email": email},
            )
        return redirect("organisation_detail", code=organisation.code)
    return render(
        request,
        "collaboration/invitation_form.html",
        {"form": form, "organisation": organisation, "restored_draft": request.method == "GET" and data is not None},
    )


@login_required
@require_http_methods(["POST"])
def invitation_revoke(request: AuthedRequest, code: str, invitation_id: int) -> HttpResponse:
    organisation, manages = get_organisation_for_management(request.user, code)
    invitations = organisation.invitations.pending().filter(pk=invitation_id)
    if not manages:
        # The registering side may take back only the first-coordinator invitation it sent itself.
        invitations = invitations.filter(invited_by=request.user, role=Role.COORDINATOR)
    for invitation in invitations:
        once.forget(invitation.page_url())  # a revoked invitation may be sent again at once
    updated = invitations.update(revoked_at=timezone.now())
    if updated:
        messages.success(request, _("Inbjudan är återkallad."))
    return redirect("organisation_detail", code=organisation.code)


@drafts.keep_post_when_signed_out
@require_http_methods(["GET", "POST"])
def organisation_claim(request: AuthedRequest, code: str) -> HttpResponse:
    """Ask the site admins to let you represent an organisation that is already in the portal."""
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise Http404("Ingen sådan organisation.")
    if Membership.objects.active().filter(user=request.user, organisation=organisation).exists():
        messages.info(request, _("Du är redan med i %(organisation)s.") % {"organisation": organisation.name})
        return redirect("organisation_list")
    draft = drafts.restore(request) if request.method == "GET" else None
    form = (
        OrganisationClaimForm(request.POST)
        if request.method == "POST"
        else OrganisationClaimForm(initial=draft.dict() if draft is not None else None)
    )
    if request.method == "POST" and form.is_valid():
        organisation_workflows.organisation_claim_create(
            organisation=organisation, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _(
                "Din begäran om att företräda %(organisation)s är skickad till portalens administratör. "
                "Godkänns den får du en inbjudan som samordnare med e-post."
            )
            % {"organisation": organisation.name},
        )
        return redirect("organisation_list")
    return render(request, "collaboration/organisation_claim.html", {"organisation": organisation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: AuthedRequest, code: str, membership_code: str) -> HttpResponse:
    organisation = get_organisation_for_coordinator(request.user, code)
    membership = organisation.memberships.select_related("user").filter(code=membership_code).first()
    if membership is None:
        raise Http404("Inget sådant medlemskap.")
    form = MembershipForm(
        request.POST or None,
        initial={
            "role": membership.role,
            "is_active": "1" if membership.is_active else "0",
            "approves_agreements": membership.approves_agreements,
        },
        membership=membership,
    )
    if request.method == "POST" and form.is_valid():
        stepping_down = membership.user_id == request.user.pk and (
            form.cleaned_data["role"] != Role.COORDINATOR or not form.cleaned_data["is_active"]
        )
        others = (
            Membership.objects.active()
            .filter(organisation=organisation, role=Role.COORDINATOR)
            .exclude(pk=membership.pk)
            .exists()
        )
        # The last coordinator is refused below without being asked first.
        if stepping_down and others and request.POST.get("confirm") != "1":
            # A coordinator about to demote or deactivate themselves is told what follows, and asked once.
            return render(
                request,
                "collaboration/membership_confirm.html",
                {
                    "form": form,
                    "organisation": organisation,
                    "membership": membership,
                    "deactivating": not form.cleaned_data["is_active"],
                    "new_role": Role(form.cleaned_data["role"]).label,
                },
            )
        try:
            organisation_workflows.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
                approves_agreements=form.cleaned_data.get("approves_agreements"),
            )
        except organisation_workflows.LastCoordinatorError:
            form.add_error(
                None,
                _("%(organisation)s måste ha minst en aktiv samordnare. Utse en ny samordnare först.")
                % {"organisation": organisation.name},
            )
        else:
            messages.success(request, _("Ändringen för %(name)s är sparad.") % {"name": membership.user.full_name})
            if stepping_down:
                # They no longer manage the organisation: its page would refuse them.
                return redirect("home")
            return redirect("organisation_detail", code=organisation.code)
    return render(
        request,
        "collaboration/membership_form.html",
        {"form": form, "organisation": organisation, "membership": membership},
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: AnyRequest, token: str) -> HttpResponse:
    invitation = Invitation.find_usable(token)
    if invitation is None:
        return render(request, "collaboration/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=normalise_email(invitation.email)).first()
    if existing is not None:
        # The person already has an account: they accept by signing in as themselves.
        if not request.user.is_authenticated:
            return render(request, "collaboration/invitation_sign_in.html", {"invitation": invitation})
        if request.user.pk != existing.pk:
            return render(request, "collaboration/invitation_wrong_user.html", {"invitation": invitation}, status=403)
        if request.method == "POST":
            try:
                organisation_workflows.invitation_accept(invitation=invitation, user=existing)
            except organisation_workflows.RegisteringMemberError:
                return _registering_member_refused(request, invitation)
            except ValueError:
                # Accepted by a second click a moment ago: nothing more to do.
                return redirect("home")
            messages.success(
                request, _("Du är nu med i %(organisation)s.") % {"organisation": invitation.organisation.name}
            )
            return redirect("home")
        return render(request, "collaboration/invitation_confirm.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                )
                organisation_workflows.invitation_accept(invitation=invitation, user=user)
        except organisation_workflows.RegisteringMemberError:
            return _registering_member_refused(request, invitation)
        except (IntegrityError, ValueError):
            # A second click while the first was under way: the first created the account.
            messages.info(request, _("Kontot är redan skapat. Logga in med din e-postadress och ditt lösenord."))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Välkommen! Du är nu med i %(organisation)s.") % {"organisation": invitation.organisation.name}
        )
        return redirect("home")
    return render(request, "collaboration/invitation_accept.html", {"form": form, "invitation": invitation})


def _registering_member_refused(request: AnyRequest, invitation: Invitation) -> HttpResponse:
    messages.error(
        request,
        _(
            "Du hör till organisationen som registrerade eller bjöd in till %(organisation)s och kan därför inte "
            "bli dess första samordnare. Be någon i %(organisation)s ta emot inbjudan, eller kontakta portalens "
            "administratör."
        )
        % {"organisation": invitation.organisation.name},
    )
    return render(request, "collaboration/invitation_invalid.html", status=403)
