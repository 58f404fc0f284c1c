from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursewareConfig(AppConfig):
    name = "courseware"
    verbose_name = _("Courseware")

    def ready(self) -> None:
        from courseware import language  # noqa: F401  (connects the login signal)
