"""Questions leave the admin as files: Moodle XML, GIFT, QTI 2.1 or Common Cartridge."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from quizzes.exchange.export import FORMATS as QUESTION_FORMATS
from quizzes.exchange.export import PACKAGES as QUESTION_PACKAGES
from quizzes.exchange.export import export_package, export_questions
from quizzes.models import Question, Quiz

QUESTION_FORMAT_NAMES = {"moodle": "Moodle XML", "gift": "GIFT"}


def download_questions(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    questions: QuerySet[Question],
    fmt: str,
    *,
    course: Any,
    quiz: Quiz | None = None,
) -> HttpResponse | None:
    """The questions as a Moodle XML or GIFT file, citations in each general feedback; what
    could not go into the format is told in a message."""
    if course is None:
        model_admin.message_user(
            request,
            gettext("Citations link to a course's readings: you teach no course yet."),
            "error",
        )
        return None
    content_type, extension = QUESTION_FORMATS[fmt]
    out: io.StringIO | io.BytesIO
    base_url = request.build_absolute_uri("/").rstrip("/")
    if fmt in QUESTION_PACKAGES:
        out = io.BytesIO()
        try:
            result = export_package(
                questions=questions, fmt=fmt, out=out, base_url=base_url, course=course, quiz=quiz
            )
        except ValueError as error:
            model_admin.message_user(request, str(error), "error")
            return None
    else:
        out = io.StringIO()
        result = export_questions(
            questions=questions, fmt=fmt, out=out, base_url=base_url, course=course, quiz=quiz
        )
    for skipped in result.skipped:
        model_admin.message_user(
            request,
            gettext("Not in the %(format)s file: %(key)s: %(reason)s")
            % {"format": QUESTION_FORMAT_NAMES[fmt], "key": skipped.key, "reason": skipped.reason},
            "warning",
        )
    for note in result.notes:
        model_admin.message_user(request, note, "info")
    charset = "" if fmt in QUESTION_PACKAGES else "; charset=utf-8"
    response = HttpResponse(out.getvalue(), content_type=f"{content_type}{charset}")
    name = quiz.slug if quiz is not None else "questions"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
