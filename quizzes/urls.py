from __future__ import annotations

from django.urls import path

from quizzes import views

urlpatterns = [
    path("courses/<slug:course_slug>/", views.course_home, name="course_detail"),
    path("courses/<slug:course_slug>/progress/", views.progress, name="progress"),
    path("courses/<slug:course_slug>/gradebook/", views.gradebook, name="gradebook"),
    path(
        "courses/<slug:course_slug>/gradebook/export/<slug:fmt>/",
        views.gradebook_export,
        name="gradebook_export",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/canvas-ids/",
        views.gradebook_canvas_id,
        name="gradebook_canvas_id",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/canvas-fill/",
        views.gradebook_canvas_fill,
        name="gradebook_canvas_fill",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/attempts/<int:attempt_id>/",
        views.gradebook_attempt,
        name="gradebook_attempt",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/quizzes/<slug:quiz_slug>/students/<int:user_id>/",
        views.gradebook_grade,
        name="gradebook_grade",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/quizzes/<slug:quiz_slug>/regrade/",
        views.gradebook_regrade,
        name="gradebook_regrade",
    ),
    path(
        "courses/<slug:course_slug>/progress/<int:user_id>/",
        views.progress,
        name="student_progress",
    ),
    path(
        "courses/<slug:course_slug>/progress/practice/", views.practice_start, name="practice_start"
    ),
    path("courses/<slug:course_slug>/quizzes/", views.quiz_list, name="quiz_list"),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/",
        views.quiz_detail,
        name="quiz_detail",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/analysis/",
        views.item_analysis,
        name="item_analysis",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/start/",
        views.attempt_start,
        name="attempt_start",
    ),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/save/", views.attempt_save, name="attempt_save"
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/check/",
        views.attempt_check,
        name="attempt_check",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/report/",
        views.question_report,
        name="question_report",
    ),
    path("attempts/<int:attempt_id>/summary/", views.attempt_summary, name="attempt_summary"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt_result"),
]
