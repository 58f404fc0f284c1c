from __future__ import annotations

import pytest

from lti.services import role_for

M = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ((f"{M}#Learner",), "student"),
        ((f"{M}#Instructor",), "teacher"),
        ((f"{M}/Instructor#TeachingAssistant",), "teacher"),
        ((f"{M}#Learner", f"{M}#Instructor"), "teacher"),
        (("Instructor",), "teacher"),
        (("Learner",), "student"),
        ((f"{INST}#Instructor",), "student"),  # an institution role says nothing of this course
        (("http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",), "student"),
        ((f"{M}#Mentor",), "student"),
        ((f"{M}#ContentDeveloper",), "student"),
        ((), "student"),
    ],
)
def test_roles_claim_maps_to_a_course_role(roles, expected):
    assert role_for(roles) == expected
