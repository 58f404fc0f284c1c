from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = _("LTI 1.3")

    def ready(self) -> None:
        from lti.grades import on_grades_changed
        from quizzes.grade_events import on_grades_changed as subscribe

        subscribe(on_grades_changed)
