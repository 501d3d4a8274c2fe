from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from portal import drafts, views

admin.site.site_header = "Samverkansportalen – administration"
admin.site.site_title = "Samverkansportalen"

# Django's form views answer PUT like POST, and some act before looking at the method at all
# (a signed-in visitor is redirected, an expired reset link is rendered): say which methods they take.
get_or_post = require_http_methods(["GET", "POST"])

urlpatterns = [
    path("halsa/", views.healthz, name="healthz"),
    path("utkast/slang/", drafts.discard_view, name="draft_discard"),
    path("logga-in/", get_or_post(views.LoginView.as_view()), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/glomt/", get_or_post(views.PasswordResetView.as_view()), name="password_reset"),
    path("losenord/glomt/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "losenord/nytt/<uidb64>/<token>/",
        get_or_post(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path("losenord/nytt/klart/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("installningar/e-post/", views.email_choice, name="email_choice"),
    path("e-post/<str:token>/", views.email_choice_link, name="email_choice_link"),
    path("principer/", include("principles.urls")),
    path("", include("collaboration.urls")),
    path("admin/", admin.site.urls),
]
