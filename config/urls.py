from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.views import LoginView, csp_report, if_email_configured
from courseware.admin import view_on_site
from courseware.language import set_language


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's baseline: the cheapest response Django can give."""
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = _("Fuente: authoring and review")
admin.site.site_title = _("Fuente admin")
admin.site.index_title = _("Your courses and teaching material")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # Before the admin's own: its "view on site" shortcut checks the user reaches the object.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("csp-report/", csp_report, name="csp_report"),
    path("language/", set_language, name="set_language"),
    path(
        "password-reset/",
        if_email_configured(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        if_email_configured(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        if_email_configured(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        if_email_configured(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("", include("courseware.urls")),
    path("", include("quizzes.urls")),
    path("", include("lti.urls")),
]
