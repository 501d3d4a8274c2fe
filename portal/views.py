from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import drafts, emails
from portal.forms import EmailAuthenticationForm, SwedishPasswordResetForm
from portal.http import AnyRequest
from portal.middleware import health_response
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
            emails.send_password_reset.enqueue(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return HttpResponseRedirect(self.get_success_url())
