from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal import drafts, emails
from portal.forms import EmailAuthenticationForm, EmailChoiceForm, SwedishPasswordResetForm
from portal.http import AnyRequest, AuthedRequest
from portal.middleware import health_response
from portal.models import EmailChoice, User
from portal.notifications import user_for_token
from portal.throttling import password_reset_allowed


def csrf_failure(request: AnyRequest, reason: str = "") -> HttpResponse:
    """A Swedish explanation instead of Django's English one, and nothing typed lost.

    The usual cause is harmless: the person signed in again in another tab, which gave
    the session a new token, and then saved from a page loaded before. When the POST
    proves (with its signed owner token) that it was typed by the person signed in
    now, what they typed is kept as a draft and the page comes back with it, to be
    saved again. Nothing is saved by this request: a forged cross-site POST can
    neither carry the victim's owner token nor change anything.
    """
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and drafts.posted_owner(request) == request.user.pk
        and drafts.stash(request)
    ):
        if getattr(request, "htmx", False):
            # An autosave: say so where the save state shows; the page's next reload brings the text back.
            return render(request, "components/csrf_stale.html")
        messages.warning(
            request,
            _(
                "Sidan hade för gammal säkerhetsinformation (du har loggat in igen), så inget sparades. "
                "Det du skrev står kvar nedan: granska det och spara igen."
            ),
        )
        return redirect(request.path)
    return render(request, "403_csrf.html", status=403)


@require_safe
def healthz(request: AnyRequest) -> JsonResponse:
    """The named URL of the health check; HealthCheckMiddleware answers it before any other middleware."""
    return health_response()


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        """The safe `next` address, unless it leads back to signing in (a loop for a signed-in person)."""
        url = super().get_redirect_url(request)
        if url and urlsplit(url).path in {reverse("login"), reverse("logout")}:
            return ""
        return url


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the answer never says whether the address has an account.

    Every accepted request enqueues the same task (which looks the address up and
    mails), throttled per address and per client; a refused one shows the same page.
    """

    form_class = SwedishPasswordResetForm

    def form_valid(self, form: SwedishPasswordResetForm) -> HttpResponse:  # type: ignore[override]
        email = form.cleaned_data["email"]
        if password_reset_allowed(email=email, client_ip=get_client_ip_address(self.request)):
            emails.send_password_reset.enqueue(email=email)  # the link is made from SITE_URL
        return HttpResponseRedirect(self.get_success_url())


def _choice_saved(request: HttpRequest, user: User, choice: str) -> None:
    user.email_notifications = choice
    user.save(update_fields=["email_notifications"])
    saved = {
        EmailChoice.DIRECT: _("Sparat. Du får ett e-postmeddelande för varje händelse."),
        EmailChoice.DAILY: _("Sparat. Du får en sammanfattning per e-post en gång om dagen, när något har hänt."),
        EmailChoice.NEVER: _("Sparat. Du får inga e-postmeddelanden om händelser."),
    }
    messages.success(request, saved[EmailChoice(choice)])


@login_required
@require_http_methods(["GET", "POST"])
def email_choice(request: AuthedRequest) -> HttpResponse:
    """The signed-in person chooses how often they get e-mail about what happens (portal.notifications)."""
    user = request.user
    form = EmailChoiceForm(
        request.POST if request.method == "POST" else None, initial={"email_notifications": user.email_notifications}
    )
    if request.method == "POST" and form.is_valid():
        _choice_saved(request, user, form.cleaned_data["email_notifications"])
        return redirect("email_choice")
    return render(request, "portal/email_choice.html", {"form": form, "person": user})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def email_choice_link(request: AnyRequest, token: str) -> HttpResponse:
    """The link in every notification mail: change the e-mail choice with one button, without signing in.

    The signed token names the person and is the protection a CSRF token would give: nobody can make
    a valid link for someone else, so a POST to it is the holder's own. That is also why this view
    (only this one) is exempt from the CSRF check: mail programs POST `List-Unsubscribe=One-Click`
    to it (RFC 8058) without any cookie. GET only shows the page, so link scanners change nothing.
    """
    person = user_for_token(token)
    if person is None:
        raise Http404
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        person.email_notifications = EmailChoice.NEVER
        person.save(update_fields=["email_notifications"])
        return HttpResponse(_("Du får inte längre e-post om händelser."), content_type="text/plain; charset=utf-8")
    form = EmailChoiceForm(
        request.POST if request.method == "POST" else None, initial={"email_notifications": person.email_notifications}
    )
    if request.method == "POST" and form.is_valid():
        _choice_saved(request, person, form.cleaned_data["email_notifications"])
        return redirect(request.path)
    return render(
        request, "portal/email_choice_link.html", {"form": form, "person": person, "never": EmailChoice.NEVER}
    )
