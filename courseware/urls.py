from __future__ import annotations

from django.urls import path

from courseware import views

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course_detail"),
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
    path("courses/<slug:course_slug>/timeline/", views.timeline, name="timeline"),
    path(
        "courses/<slug:course_slug>/cite/<slug:source_slug>/<int:start>-<int:end>/",
        views.cite,
        name="cite",
    ),
]
