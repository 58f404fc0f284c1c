from __future__ import annotations

from django.urls import path

from courseware import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "courses/<slug:course_slug>/readings/<slug:reading_slug>/",
        views.reading_detail,
        name="reading_detail",
    ),
    path(
        "courses/<slug:course_slug>/sources/<slug:source_slug>/",
        views.source_detail,
        name="source_detail",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:prompt_slug>/",
        views.prompt_detail,
        name="prompt_detail",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:prompt_slug>/evidence/",
        views.evidence_search,
        name="evidence_search",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:prompt_slug>/posts/<int:post_id>/reply/",
        views.post_reply,
        name="post_reply",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:prompt_slug>/posts/<int:post_id>/edit/",
        views.post_edit,
        name="post_edit",
    ),
    path(
        "courses/<slug:course_slug>/prompts/<slug:prompt_slug>/posts/<int:post_id>/moderate/",
        views.post_moderate,
        name="post_moderate",
    ),
    path(
        "courses/<slug:course_slug>/readings/<slug:reading_slug>/progress/",
        views.reading_progress,
        name="reading_progress",
    ),
    path("courses/<slug:course_slug>/timeline/", views.timeline, name="timeline"),
    path(
        "courses/<slug:course_slug>/students/<int:user_id>/password/",
        views.student_password_reset,
        name="student_password_reset",
    ),
    path(
        "courses/<slug:course_slug>/cite/<slug:source_slug>/<int:start>-<int:end>/",
        views.cite,
        name="cite",
    ),
]
