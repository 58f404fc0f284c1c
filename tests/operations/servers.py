"""What tests/operations/test_two_servers.py runs in a subprocess against the database its
servers share (not pytest-django's test database): `seed KEY_SET_URL` migrates it and adds the
fixture pack, a student with a password and a registered LMS; `state ATTEMPT_ID SUB
SESSION_KEY` prints what the servers left in it, as JSON.

    python -m tests.operations.servers seed http://127.0.0.1:8123/jwks
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PACK = Path(__file__).resolve().parent.parent / "fixtures" / "pack"
STUDENT, PASSWORD = "stu-two", "two-servers-pass-8731"


def seed(key_set_url: str) -> dict[str, object]:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from courseware.models import Course, Enrollment
    from lti.models import CourseLink, Deployment, Platform
    from quizzes.services import build_pack
    from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, ISSUER

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    build_pack(seeds_dir=PACK)
    course = Course.objects.get(slug="rivers")
    user = User.objects.create_user(STUDENT, password=PASSWORD)
    Enrollment.objects.create(course=course, user=user, role=Enrollment.Role.STUDENT)
    platform = Platform.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        key_set_url=key_set_url,
    )
    Deployment.objects.create(platform=platform, deployment_id=DEPLOYMENT_ID)
    CourseLink.objects.create(
        platform=platform, context_id="lms-course-1", context_title="Rivers 101", course=course
    )
    return {"student": user.pk}


def state(attempt_id: int, sub: str, session_key: str) -> dict[str, object]:
    from django.contrib.sessions.models import Session

    from courseware.models import Enrollment
    from lti.models import PlatformUser
    from quizzes.models import Attempt

    attempt = Attempt.objects.get(pk=attempt_id)
    identity = PlatformUser.objects.filter(sub=sub).select_related("user").first()
    return {
        "attempt_student": attempt.student.username,
        "attempt_state": attempt.state,
        "answers": {r.position: r.answer for r in attempt.responses.all() if r.answer is not None},
        "points": str(attempt.points),
        "lti_user": identity.user.username if identity else None,
        "lti_enrolled": bool(
            identity
            and Enrollment.objects.filter(
                user=identity.user, course__slug="rivers", role=Enrollment.Role.STUDENT
            ).exists()
        ),
        "session_in_database": Session.objects.filter(session_key=session_key).exists(),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.operations.server_settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "seed":
        print(json.dumps(seed(args[0])))
    else:
        print(json.dumps(state(int(args[0]), args[1], args[2])))
