from __future__ import annotations

from django.urls import path

from quizzes.views import accommodations, attempts, gradebook, near_misses, progress

urlpatterns = [
    path("courses/<slug:course_slug>/", progress.course_home, name="course_detail"),
    path("courses/<slug:course_slug>/progress/", progress.progress, name="progress"),
    path("courses/<slug:course_slug>/gradebook/", gradebook.gradebook, name="gradebook"),
    path(
        "courses/<slug:course_slug>/gradebook/export/<slug:fmt>/",
        gradebook.gradebook_export,
        name="gradebook_export",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/canvas-ids/",
        gradebook.gradebook_canvas_id,
        name="gradebook_canvas_id",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/canvas-fill/",
        gradebook.gradebook_canvas_fill,
        name="gradebook_canvas_fill",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/accommodations/new/",
        accommodations.accommodation_add,
        name="accommodation_add",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/accommodations/<int:accommodation_id>/",
        accommodations.accommodation_edit,
        name="accommodation_edit",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/accommodations/<int:accommodation_id>/remove/",
        accommodations.accommodation_remove,
        name="accommodation_remove",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/attempts/<int:attempt_id>/",
        gradebook.gradebook_attempt,
        name="gradebook_attempt",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/quizzes/<slug:quiz_slug>/students/<int:user_id>/",
        gradebook.gradebook_grade,
        name="gradebook_grade",
    ),
    path(
        "courses/<slug:course_slug>/gradebook/quizzes/<slug:quiz_slug>/regrade/",
        gradebook.gradebook_regrade,
        name="gradebook_regrade",
    ),
    path(
        "courses/<slug:course_slug>/progress/<int:user_id>/",
        progress.progress,
        name="student_progress",
    ),
    path(
        "courses/<slug:course_slug>/progress/practice/",
        progress.practice_start,
        name="practice_start",
    ),
    path("courses/<slug:course_slug>/quizzes/", attempts.quiz_list, name="quiz_list"),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/",
        attempts.quiz_detail,
        name="quiz_detail",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/analysis/",
        gradebook.item_analysis,
        name="item_analysis",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/near-misses/",
        near_misses.near_miss_list,
        name="near_misses",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/near-misses/accept/",
        near_misses.near_miss_accept,
        name="near_miss_accept",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/start/",
        attempts.attempt_start,
        name="attempt_start",
    ),
    path("attempts/<int:attempt_id>/", attempts.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/save/",
        attempts.attempt_save,
        name="attempt_save",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/check/",
        attempts.attempt_check,
        name="attempt_check",
    ),
    path(
        "attempts/<int:attempt_id>/q/<int:position>/report/",
        attempts.question_report,
        name="question_report",
    ),
    path("attempts/<int:attempt_id>/summary/", attempts.attempt_summary, name="attempt_summary"),
    path("attempts/<int:attempt_id>/submit/", attempts.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", attempts.attempt_result, name="attempt_result"),
]
