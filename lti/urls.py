from __future__ import annotations

from django.urls import path

from lti import views

urlpatterns = [
    path("lti/login/", views.oidc_login, name="lti_login"),
    path("lti/launch/", views.launch, name="lti_launch"),
    path("lti/jwks/", views.jwks, name="lti_jwks"),
]
