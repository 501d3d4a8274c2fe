from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from portal.forms import EmailAuthenticationForm, SwedishPasswordResetForm
from portal.http import AnyRequest


def csrf_failure(request: AnyRequest, reason: str = "") -> HttpResponse:
    """A Swedish explanation instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)


def healthz(request: AnyRequest) -> JsonResponse:
    """For the load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = SwedishPasswordResetForm
    email_template_name = "emails/password_reset-body-text.txt"
    html_email_template_name = "emails/password_reset-body-html.html"
    subject_template_name = "emails/password_reset-subject.txt"
