from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape

import factory
from django.contrib.auth.models import User

from courseware.models import Course, Enrollment
from quizzes.display import answer_fields
from quizzes.models import Response
from quizzes.services import record_answer


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu")
    password = factory.django.Password("pass-for-tests")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    role = Enrollment.Role.STUDENT


SINGLE = {
    "choices": [
        {
            "id": "a",
            "text": "Sand",
            "correct": False,
            "feedback": "Sand is not what dams trap.",
        },
        {"id": "b", "text": "Silt", "correct": True, "feedback": "Right: dams trap the silt."},
        {
            "id": "c",
            "text": "Gravel",
            "correct": False,
            "feedback": "The news explainer says silt.",
        },
    ]
}


def make_question(
    key: str, kind: str = "single", data: dict | None = None, quote: str | None = None
):
    """A published question citing the fixture pack's news explainer (built by the session
    fixture): by default a single-choice question whose key is "b"."""
    from courseware.models import Source
    from courseware.services import quote_fields
    from quizzes.models import Question
    from quizzes.services import save_question_version

    source = Source.objects.get(slug="delta-news")
    question = Question.objects.create(key=key, kind=kind, status=Question.Status.PUBLISHED)
    save_question_version(
        question,
        stem=f"Stem of {key}?",
        data=data or SINGLE,
        explanation="The news explainer says dams trap the silt.",
        citations=[quote_fields(source, quote or "Dams upstream trap most of the silt")],
    )
    return question


def make_quiz(course, questions, **settings):
    from quizzes.models import Quiz, QuizQuestion

    quiz = Quiz.objects.create(
        course=course, slug=settings.pop("slug", "test-quiz"), title="Test quiz", **settings
    )
    for position, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    return quiz


def publish(key, change):
    """Save new content for a question, as a teacher's fix does: `change` edits a copy of its
    answer data (a version students answered is kept, and a new one made)."""
    import copy

    from quizzes.models import Question
    from quizzes.services import save_question_version

    question = Question.objects.get(key=key)
    version = question.current_version()
    data = copy.deepcopy(version.data)
    change(data)
    return save_question_version(
        question,
        stem=version.stem,
        data=data,
        explanation=version.explanation,
        citations=[c.anchor_fields() for c in version.citations.all()],
    )


def key_is(*ids):
    """A fix for a choice question: exactly these choices are right."""

    def change(data):
        for choice in data["choices"]:
            choice["correct"] = choice["id"] in ids

    return change


def answer_question(*, student, attempt_id, position, form, sequence=0, is_flagged=False):
    """Save an answer given in the question's own ids ("a", "position-b"), posted as the
    attempt page posts it: with that attempt's opaque field ids."""
    response = Response.objects.select_related("version__question").get(
        attempt_id=attempt_id, position=position
    )
    version = response.version
    return record_answer(
        student=student,
        attempt_id=attempt_id,
        position=position,
        form=answer_fields(response).conceal(version.question.kind, version.data, form),
        sequence=sequence,
        is_flagged=is_flagged,
    )


def take_quiz(student, quiz, answers=None, *, submit=True):
    """Start an attempt, answer and (unless `submit=False`) submit it, as a student does.

    `answers` maps a question to its answer: the question by its key, or by its position in the
    quiz; the answer as a form in the question's own ids ({"answer": ["b"]}), or a bare value
    or list of values, which is posted as {"answer": [...]}. None (or a missing question) leaves
    it unanswered."""
    from quizzes.services import start_attempt, submit_attempt

    answers = answers or {}
    attempt = start_attempt(quiz=quiz, student=student)
    responses = attempt.responses.select_related("slot", "version__question")
    for response in responses.order_by("position"):
        answer = answers.get(response.version.question.key, answers.get(response.slot.position))
        if answer is None:
            continue
        if not isinstance(answer, dict):
            answer = {"answer": answer if isinstance(answer, list) else [answer]}
        answer_question(
            student=student, attempt_id=attempt.pk, position=response.position, form=answer
        )
    return submit_attempt(attempt=attempt) if submit else attempt


def page_form(attempt, position, data):
    """`data` (the question's own ids; a value may be a string or a list) as the attempt's page
    posts it: with that attempt's opaque field ids. Other fields ("seq", "flag") pass through."""
    response = (
        Response.objects.select_related("version__question")
        .filter(attempt=attempt, position=position)
        .first()
    )
    if response is None:  # no such question: posted as given, for the view to refuse
        return data
    version = response.version
    form = {
        name: value if isinstance(value, list) else [str(value)] for name, value in data.items()
    }
    return answer_fields(response).conceal(version.question.kind, version.data, form)


def field_for(html, label):
    """The opaque id of the answer field whose label contains `label`, read from the page as a
    student's browser would (choices' values and ordering/matching fields' names end in it)."""
    found = re.findall(r'<label for="q\d+-(f[a-z2-7]+)">([^<]*)</label>', html)
    ids = [field for field, text in found if label in unescape(text)]
    assert len(ids) == 1, f"{len(ids)} fields labelled {label!r}"
    return ids[0]


def canvas_row(data: bytes, canvas_id: str) -> dict[str, str]:
    """One student's cells, by column title, in a Canvas grade download (a zip of import files,
    each with its own header)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            header, *rows = csv.reader(io.StringIO(text, newline=""))
            for row in rows:
                if row[1:2] == [canvas_id]:
                    return dict(zip(header, row, strict=True))
    raise AssertionError(f"no row for Canvas id {canvas_id} in the download")


def assert_pack_cleaned(pack_dir, leftovers):
    """A built pack's sources keep every raw line's words (except the lines reported as
    removed), and none of its page `leftovers` survives in a passage."""
    from courseware.models import Passage, Source
    from courseware.pack import load_pack

    def words(text):
        return " ".join(re.findall(r"\w+", text.lower()))

    pack = load_pack(pack_dir)
    for spec in pack.sources:
        source = Source.objects.get(slug=spec.slug)
        removed = {r["line_no"] for r in source.removed_lines}
        kept = words(source.text)
        raw_lines = pack.raw_bytes(spec).decode("utf-8").splitlines()
        for number, line in enumerate(raw_lines, start=1):
            if number not in removed and line.strip():
                assert words(line) in kept, f"{spec.slug} line {number}: {line[:60]}"
    for leftover in leftovers:
        assert not Passage.objects.filter(text__contains=leftover).exists(), leftover
