from __future__ import annotations

from django.urls import path

from lti import (
    deep_linking,
    dynamic_registration,
    grade_views,
    linking_views,
    roster_views,
    views,
)

urlpatterns = [
    path("lti/login/", views.oidc_login, name="lti_login"),
    path("lti/launch/", views.launch, name="lti_launch"),
    path("lti/jwks/", views.jwks, name="lti_jwks"),
    path(
        "lti/register/",
        dynamic_registration.dynamic_registration,
        name="lti_dynamic_registration",
    ),
    path("lti/continue/<str:ticket>/", views.continue_launch, name="lti_continue"),
    path("lti/link-course/", linking_views.link_course, name="lti_link_course"),
    path("lti/deep-linking/<str:key>/", deep_linking.picker, name="lti_deep_link"),
    path(
        "courses/<slug:course_slug>/lti/roster/", roster_views.roster_sync, name="lti_roster_sync"
    ),
    path(
        "courses/<slug:course_slug>/lti/grades/<slug:quiz_slug>/",
        grade_views.grade_sends,
        name="lti_grade_sends",
    ),
]
