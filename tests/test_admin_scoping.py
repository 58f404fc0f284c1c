"""A teacher reaches only their courses' rows through every field, inline, autocomplete view,
action and custom admin view; shared library material changes only by its owner.

The attacker is `teacher`, who teaches the pack's course (A). Course B has its own teacher,
students and material; every probe posts or opens course B's rows as A's teacher."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from courseware.models import (
    Course,
    Enrollment,
    Objective,
    Perspective,
    Post,
    Prompt,
    Reading,
    ReadingNote,
    ReadingProgress,
    Source,
    TimelineEvent,
    TimelinePeriod,
)
from courseware.roles import TEACHER_PERMISSIONS, Scoped, make_teacher
from quizzes.models import Attempt, Question, QuestionReport, Quiz, QuizQuestion
from quizzes.services import start_attempt, submit_attempt
from tests.admin_forms import change_form_data
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_b(db):
    """Course B's world: a teacher, a student, and one row of each kind only B uses."""
    course = CourseFactory(slug="course-b", title="Course B")
    teacher = UserFactory(username="teacher-b")
    EnrollmentFactory(course=course, user=teacher, role=Enrollment.Role.TEACHER)
    make_teacher(teacher)
    student = EnrollmentFactory(course=course, user=UserFactory(username="student-b")).user
    question = make_question("only-in-b")
    quiz = make_quiz(course, [question], slug="quiz-b")
    attempt = submit_attempt(attempt=start_attempt(quiz=quiz, student=student))
    reading = Reading.objects.create(slug="b-only-reading", title="B only reading", position=99)
    prompt = Prompt.objects.create(slug="b-only-prompt", title="B only prompt", question="Why?")
    course.readings.add(reading)
    course.prompts.add(prompt)
    note = ReadingNote.objects.create(reading=reading, title="B note", text="Mine.")
    perspective = Perspective.objects.create(prompt=prompt, label="B view", summary="Mine.")
    post = Post.objects.create(prompt=prompt, course=course, author=student, body="Mine.")
    report = QuestionReport.objects.create(
        question=question,
        version=question.current_version(),
        student=student,
        attempt=attempt,
        text="Typo",
    )
    return {
        "course": course,
        "teacher": teacher,
        "student": student,
        "question": question,
        "quiz": quiz,
        "attempt": attempt,
        "reading": reading,
        "prompt": prompt,
        "readingnote": note,
        "perspective": perspective,
        "post": post,
        "readingprogress": ReadingProgress.objects.create(
            course=course, reading=reading, student=student
        ),
        "enrollment": course.enrollments.get(user=student),
        "questionreport": report,
        "quizquestion": quiz.slots.get(),
    }


def request_as(user, path="/admin/", **get):
    request = RequestFactory().get(path, get)
    request.user = user
    return request


# -- the parametrised probe: every admin and inline a teacher may post, every relation field


def _allowed(model, *actions):
    perms = TEACHER_PERMISSIONS.get(model._meta.app_label, {}).get(model._meta.model_name, ())
    return any(action in perms for action in actions)


def _postable_fields():
    """(admin model, inline model or None, field) for every FK and M2M of every admin and
    inline whose model a teacher may add or change: found, not listed."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if not _allowed(model, "add", "change"):
            continue
        forms = [(None, model)] + [
            (inline, inline.model)
            for inline in model_admin.inlines
            if _allowed(inline.model, "add", "change")
        ]
        for inline, form_model in forms:
            for field in form_model._meta.get_fields():
                if (
                    field.is_relation
                    and field.concrete
                    and (field.many_to_one or field.many_to_many)
                ):
                    label = (
                        f"{model._meta.label}{'/' + form_model._meta.model_name if inline else ''}"
                    )
                    found.append(
                        pytest.param(model, inline, field.name, id=f"{label}.{field.name}")
                    )
    return found


POSTABLE = _postable_fields()


def _row_a_teacher_may_change(model_admin, request):
    for obj in model_admin.get_queryset(request)[:50]:
        if model_admin.has_change_permission(request, obj):
            return obj
    return None


def _form_fields(model, inline, request):
    model_admin = admin.site._registry[model]
    obj = _row_a_teacher_may_change(model_admin, request)
    if inline is None:
        if obj is None and not model_admin.has_add_permission(request):
            return {}
        return model_admin.get_form(request, obj, change=obj is not None).base_fields
    inline_admin = inline(model, admin.site)
    if obj is None:
        return {}
    return inline_admin.get_formset(request, obj).form.base_fields


def _foreign_row(related_model, attacker, owner):
    """A row of the related model that the course-B teacher reaches and the attacker must not:
    found through the registered admins; any row when teachers have no view of the model."""
    related_admin = admin.site._registry.get(related_model)
    if related_admin is None or not related_admin.has_view_permission(request_as(attacker)):
        rows = related_model._default_manager.order_by("-pk")
        if related_model is User:  # accounts: someone only course B has (its student)
            theirs = Enrollment.objects.filter(course__enrollments__user=owner)
            mine = Enrollment.objects.filter(course__enrollments__user=attacker)
            rows = rows.filter(pk__in=theirs.values("user")).exclude(pk__in=mine.values("user"))
        return rows.first()
    theirs = related_admin.get_queryset(request_as(owner)).values("pk")
    mine = related_admin.get_queryset(request_as(attacker)).values("pk")
    return related_model._default_manager.filter(pk__in=theirs).exclude(pk__in=mine).first()


def test_the_probe_finds_the_fields_it_must_cover():
    names = {p.id for p in POSTABLE}
    for expected in [
        "courseware.Course.readings",
        "courseware.Course.prompts",
        "quizzes.Quiz/quizquestion.question",
        "quizzes.Quiz.reading",
        "courseware.ReadingNote.reading",
        "courseware.Perspective.prompt",
        "courseware.Post.scored_by",
    ]:
        assert expected in names
    assert len(POSTABLE) >= 20


@pytest.fixture
def course_a_post(course, student):
    """A post in the attacker's own course, so that the post form is there to probe."""
    prompt = Prompt.objects.filter(courses=course).first()
    return Post.objects.create(prompt=prompt, course=course, author=student, body="Hi.")


@pytest.mark.parametrize("model, inline, name", POSTABLE)
def test_no_related_field_a_teacher_posts_accepts_another_courses_row(
    teacher, course_b, course_a_post, model, inline, name
):
    request = request_as(teacher, kind="single")
    fields = _form_fields(model, inline, request)
    if name not in fields:
        return  # not in the teacher's form (read-only or left out): nothing to post
    form_field = fields[name]
    related = form_field.queryset.model
    foreign = _foreign_row(related, teacher, course_b["teacher"])
    if foreign is None:
        # Nothing of course B's is out of the attacker's reach: shared library material only.
        related_admin = admin.site._registry[related]
        assert related_admin.get_queryset(request).count() == related._default_manager.count()
        return
    assert not form_field.queryset.filter(pk=foreign.pk).exists()
    many = isinstance(form_field, forms.ModelMultipleChoiceField)
    value = [str(foreign.pk)] if many else str(foreign.pk)
    with pytest.raises(ValidationError):
        form_field.clean(value)


def test_every_admin_and_inline_a_teacher_reaches_is_scoped():
    for model, model_admin in admin.site._registry.items():
        if not _allowed(model, "view", "add", "change", "delete"):
            continue
        assert isinstance(model_admin, Scoped), model
        for inline in model_admin.inlines:
            assert issubclass(inline, Scoped), inline


# -- the probes of the report, end to end


def test_a_teacher_cannot_attach_another_courses_reading_or_prompt_to_their_course(
    client, teacher, course, course_b
):
    client.force_login(teacher)
    url = reverse("admin:courseware_course_change", args=[course.pk])
    data = change_form_data(client.get(url))
    data["readings"] = [*data.get("readings", []), str(course_b["reading"].pk)]
    data["prompts"] = [*data.get("prompts", []), str(course_b["prompt"].pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "readings" in errors and "prompts" in errors
    assert not course.readings.filter(pk=course_b["reading"].pk).exists()
    assert not course.prompts.filter(pk=course_b["prompt"].pk).exists()


def test_a_teacher_cannot_put_another_courses_question_in_their_quiz(client, teacher, course_b):
    client.force_login(teacher)
    quiz = Quiz.objects.get(slug="river-flow")
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    data = change_form_data(client.get(url))
    total = int(data["slots-TOTAL_FORMS"])
    data |= {
        "slots-TOTAL_FORMS": str(total + 1),
        f"slots-{total}-position": "99",
        f"slots-{total}-question": str(course_b["question"].pk),
        f"slots-{total}-points": "1",
        f"slots-{total}-quiz": str(quiz.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not QuizQuestion.objects.filter(quiz=quiz, question=course_b["question"]).exists()
    # ...so the question stays out of reach: no change page, no key.
    change = client.get(reverse("admin:quizzes_question_change", args=[course_b["question"].pk]))
    assert change.status_code == 302


@pytest.mark.parametrize(
    "name, parent, data",
    [
        ("readingnote", "reading", {"title": "Sneaky", "text": "x", "position": "7"}),
        ("perspective", "prompt", {"label": "Sneaky", "summary": "x", "position": "7"}),
    ],
)
def test_a_teacher_cannot_add_notes_or_perspectives_to_another_courses_rows(
    client, teacher, course_b, name, parent, data
):
    client.force_login(teacher)
    url = reverse(f"admin:courseware_{name}_add")
    prefix = "citations"
    source = Source.objects.get(slug="delta-news")
    posted = {
        parent: str(course_b[parent].pk),
        **data,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-position": "0",
        f"{prefix}-0-source": str(source.pk),
        f"{prefix}-0-exact": "Dams upstream trap most of the silt",
    }
    response = client.post(url, posted)
    assert response.status_code == 200
    assert parent in response.context["adminform"].form.errors
    model = ReadingNote if name == "readingnote" else Perspective
    assert (
        not model.objects.filter(**{parent: course_b[parent]})
        .exclude(pk=course_b[name].pk)
        .exists()
    )


@pytest.mark.parametrize(
    "app, model, field, term, key",
    [
        ("quizzes", "quizquestion", "question", "only-in-b", "question"),
        ("courseware", "readingnote", "reading", "B only", "reading"),
        ("courseware", "perspective", "prompt", "B only", "prompt"),
        ("courseware", "enrollment", "course", "Course B", "course"),
    ],
)
def test_the_autocomplete_offers_nothing_of_another_course(
    client, teacher, course_b, app, model, field, term, key
):
    client.force_login(teacher)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    ids = {row["id"] for row in json.loads(response.content)["results"]}
    assert str(course_b[key].pk) not in ids


def test_the_autocomplete_of_user_accounts_is_closed_to_teachers(client, teacher, course_b):
    client.force_login(teacher)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courseware", "model_name": "enrollment", "field_name": "user", "term": "b"},
    )
    assert response.status_code == 403


SCOPED_ROWS = [
    ("quizzes", "question"),
    ("quizzes", "quiz"),
    ("quizzes", "attempt"),
    ("quizzes", "questionreport"),
    ("courseware", "course"),
    ("courseware", "reading"),
    ("courseware", "prompt"),
    ("courseware", "readingnote"),
    ("courseware", "perspective"),
    ("courseware", "post"),
    ("courseware", "readingprogress"),
    ("courseware", "enrollment"),
]


@pytest.mark.parametrize("app, model", SCOPED_ROWS)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_another_courses_rows_never_open_in_the_admin(client, teacher, course_b, app, model, view):
    client.force_login(teacher)
    obj = course_b[model]
    response = client.get(reverse(f"admin:{app}_{model}_{view}", args=[obj.pk]))
    assert response.status_code in (302, 403, 404)
    assert "only-in-b" not in response.content.decode()
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("action", ["retire", "back_to_draft", "duplicate", "export_moodle"])
def test_question_actions_ignore_another_courses_ids(client, teacher, course_b, action):
    client.force_login(teacher)
    question = course_b["question"]
    response = client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": action, "_selected_action": [str(question.pk)]},
    )
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert not Question.objects.filter(key__startswith="only-in-b-").exists()
    assert b"only-in-b" not in response.content


def test_quiz_export_ignores_another_courses_quiz(client, teacher, course_b):
    client.force_login(teacher)
    response = client.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "export_gift", "_selected_action": [str(course_b["quiz"].pk)]},
    )
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("name", ["quizzes_question_preview", "quizzes_question_duplicate"])
def test_the_question_pages_of_another_course_are_404(client, teacher, course_b, name):
    client.force_login(teacher)
    url = reverse(f"admin:{name}", args=[course_b["question"].pk])
    method = client.post if name.endswith("duplicate") else client.get
    assert method(url).status_code == 404


def test_the_review_queue_cannot_decide_another_courses_draft(client, teacher, course_b):
    question = course_b["question"]
    question.origin, question.status = Question.Origin.GENERATED, Question.Status.DRAFT
    question.save(update_fields=["origin", "status"])
    client.force_login(teacher)
    response = client.post(
        reverse("admin:quizzes_question_review"),
        {"question": str(question.pk), "decision": "accept"},
    )
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT


def test_the_roster_page_of_another_course_is_out_of_reach(client, teacher, course_b):
    client.force_login(teacher)
    response = client.get(reverse("admin:courseware_course_roster", args=[course_b["course"].pk]))
    assert response.status_code == 404


# -- shared library material and its owner


@pytest.fixture
def own_source(teacher):
    from courseware.services import import_source

    source = import_source(slug="teachers-own", title="Mine", data=b"First paragraph.\n")
    source.created_by = teacher
    source.save(update_fields=["created_by"])
    return source


@pytest.mark.parametrize(
    "model", [Source, Objective, TimelinePeriod, TimelineEvent], ids=lambda m: m.__name__
)
def test_every_teacher_sees_the_library_but_cannot_change_the_packs(client, teacher, model):
    client.force_login(teacher)
    opts = model._meta
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.context["cl"].queryset.count() == model.objects.count()
    obj = model.objects.first()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    before = {f.name: getattr(obj, f.attname) for f in opts.concrete_fields}
    assert client.post(url, {"title": "Vandalised", "when": "now"}).status_code == 403
    obj.refresh_from_db()
    assert {f.name: getattr(obj, f.attname) for f in opts.concrete_fields} == before


def test_a_teacher_changes_the_library_material_they_added(client, teacher, own_source):
    client.force_login(teacher)
    url = reverse("admin:courseware_source_change", args=[own_source.pk])
    data = change_form_data(client.get(url)) | {"title": "Mine, renamed"}
    assert client.post(url, data).status_code == 302
    own_source.refresh_from_db()
    assert own_source.title == "Mine, renamed"


def test_adding_library_material_makes_the_teacher_its_owner(client, teacher):
    client.force_login(teacher)
    client.post(
        reverse("admin:courseware_objective_add"),
        {"code": "new-aim", "title": "A new aim", "position": "0"},
    )
    assert Objective.objects.get(code="new-aim").created_by == teacher
    source = {"slug": "pasted", "title": "Pasted", "kind": "other", "paste": "Some text here."}
    preview = client.post(reverse("admin:courseware_source_add"), source)  # shown first
    token = preview.context["adminform"].form["preview_token"].value()
    client.post(reverse("admin:courseware_source_add"), source | {"preview_token": token})
    assert Source.objects.get(slug="pasted").created_by == teacher


def test_an_owner_cannot_change_material_a_course_they_do_not_teach_uses(
    client, teacher, own_source, course_b
):
    passage = own_source.passages.get()
    course_b["reading"].reading_passages.create(passage=passage, position=0)
    client.force_login(teacher)
    url = reverse("admin:courseware_source_change", args=[own_source.pk])
    assert client.post(url, {"title": "Changed under B"}).status_code == 403
    reimport = reverse("admin:courseware_source_reimport", args=[own_source.pk])
    assert client.get(reimport).status_code == 403


def test_a_teacher_cannot_re_import_a_source_other_courses_read(client, teacher, course_b):
    source = Source.objects.get(slug="delta-news")
    client.force_login(teacher)
    reimport = reverse("admin:courseware_source_reimport", args=[source.pk])
    response = client.post(reimport, {"paste": "One word of it."})
    assert response.status_code == 403
    assert course_b["question"].status == Question.Status.PUBLISHED
    source.refresh_from_db()
    assert "One word of it." not in source.text


def test_the_timeline_list_cannot_edit_rows_the_teacher_does_not_own(client, teacher):
    period = TimelinePeriod.objects.first()
    url = reverse("admin:courseware_timelineperiod_changelist")

    def post(until):
        return client.post(
            url,
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-MIN_NUM_FORMS": "0",
                "form-MAX_NUM_FORMS": "1000",
                "form-0-id": str(period.pk),
                "form-0-until": until,
                "form-0-position": str(period.position),
                "_save": "Save",
            },
        )

    client.force_login(teacher)
    assert post("1900").status_code == 200  # the row's values are a form error
    period.refresh_from_db()
    assert period.until != "1900"
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert post("1901").status_code == 302  # the same post, by an administrator, saves
    period.refresh_from_db()
    assert period.until == "1901"


# -- smaller holes: who scored a post, the view-on-site shortcut


def test_the_post_form_offers_no_user_accounts(client, teacher, course):
    from courseware.models import Prompt as PromptModel

    prompt = PromptModel.objects.filter(courses=course).first()
    post = Post.objects.create(prompt=prompt, course=course, author=teacher, body="Hi.")
    client.force_login(teacher)
    page = client.get(reverse("admin:courseware_post_change", args=[post.pk]))
    form = page.context["adminform"].form
    assert "scored_by" not in form.fields
    assert "outsider" not in page.content.decode()


def test_scoring_a_post_in_the_admin_records_who_scored_it(client, teacher, course):
    prompt = Prompt.objects.filter(courses=course).first()
    post = Post.objects.create(prompt=prompt, course=course, author=teacher, body="Hi.")
    client.force_login(teacher)
    url = reverse("admin:courseware_post_change", args=[post.pk])
    data = change_form_data(client.get(url)) | {"score": "3", "teacher_comment": "Good."}
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert (post.score, post.scored_by) == (3, teacher) and post.scored_at is not None


def test_view_on_site_is_404_for_another_courses_row(client, teacher, course, course_b):
    client.force_login(teacher)
    kind = ContentType.objects.get_for_model(Course)
    foreign = client.get(reverse("admin:view_on_site", args=[kind.pk, course_b["course"].pk]))
    assert foreign.status_code == 404
    assert "course-b" not in foreign.get("Location", "")
    own = client.get(reverse("admin:view_on_site", args=[kind.pk, course.pk]))
    assert own.status_code == 302 and own["Location"].endswith(course.get_absolute_url())


def test_view_on_site_is_404_for_a_model_teachers_cannot_see(client, teacher):
    client.force_login(teacher)
    kind = ContentType.objects.get(app_label="auth", model="user")
    assert client.get(reverse("admin:view_on_site", args=[kind.pk, teacher.pk])).status_code == 404


def test_attempts_of_another_course_stay_out_of_the_attempt_list(client, teacher, course_b):
    client.force_login(teacher)
    listing = client.get(reverse("admin:quizzes_attempt_changelist"))
    assert not listing.context["cl"].queryset.filter(pk=course_b["attempt"].pk).exists()
    assert Attempt.objects.filter(pk=course_b["attempt"].pk).exists()
