from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from courseware.models import Course
from courseware.services import DEMO_PASSWORD, setup_demo


class Command(BaseCommand):
    help = (
        "Create the demo accounts (a teacher, three students) and enrol them in the pack's course."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course, users = setup_demo()
        except Course.DoesNotExist as error:
            raise CommandError("No course yet: run `manage.py build_course` first.") from error
        self.stdout.write(self.style.SUCCESS(f"Demo course: {course.title}"))
        self.stdout.write(
            "Log in at http://127.0.0.1:8000/ with any of these (password for all: "
            f"{DEMO_PASSWORD}):"
        )
        for user, role in users:
            self.stdout.write(f"  {role:<8} {user.username:<10} {user.get_full_name()}")
        self.stdout.write("  admin    teacher is also staff: http://127.0.0.1:8000/admin/")
