"""Questions out of Fuente: Question rows → plain ExportQuestions → a Moodle XML or GIFT writer.

The Django side of quizzes.exchange, and the one path for the export_questions command and
the admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TextIO
from urllib.parse import urlencode

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, ngettext

from courseware.models import Course
from quizzes.grading import DEFAULT_SCORING
from quizzes.models import Question, QuestionCitation, QuestionVersion, Quiz
from quizzes.selectors import fixed_slots, pool_questions

from . import cc, gift, moodle_xml, qti
from .model import Citation, ExportQuestion, Skipped, check_base_url

# Format → (content type, file extension), for downloads.
FORMATS = {
    "moodle": ("application/xml", "xml"),
    "gift": ("text/plain", "txt"),
    "qti": ("application/zip", "zip"),
    "cc": ("application/zip", "imscc"),
}
# Formats written as a zip (export_package) rather than text (export_questions).
PACKAGES = frozenset({"qti", "cc"})
NO_VERSION = "it has no content yet (no version); write it in the admin first."
ALL_OR_NOTHING_NOTE = gettext_noop(
    "This quiz scores multiple-response questions all or nothing; Moodle's multiple-choice "
    "type cannot, so in Moodle they score right minus wrong (each right pick earns its share "
    "of the right choices, each wrong pick costs its share of the wrong ones)."
)
PATTERN_NOTE = gettext_noop(
    "Some short-answer questions have patterns, which this format cannot hold: an answer only "
    "a pattern accepts scores 0 there. Moodle XML and GIFT carry them as Moodle wildcards."
)


@dataclass(frozen=True)
class ExportResult:
    written: int
    skipped: list[Skipped]
    notes: list[str]  # differences a teacher should know about, beyond the skipped questions


def bank_questions(
    *,
    status: str | None = Question.Status.PUBLISHED,
    kinds: Sequence[str] = (),
    source: str | None = None,
    objective: str | None = None,
    tag: str | None = None,
) -> QuerySet[Question]:
    """The bank's questions that pass every filter given (None or empty: no filter), in key
    order: kinds are question kinds (any of them), source is a source slug the question's
    current version cites, objective an objective code, tag one of the question's tags.
    """
    questions = Question.objects.order_by("key")
    if status is not None:
        questions = questions.filter(status=status)
    if kinds:
        questions = questions.filter(kind__in=kinds)
    if objective is not None:
        questions = questions.filter(objectives__code=objective)
    if tag is not None:
        # Tags are a JSON list and SQLite has no JSON containment (and text matching would
        # differ between databases for non-ASCII tags), so the tags are read and compared here.
        rows = Question.objects.values_list("pk", "tags")
        tagged = [pk for pk, tags in rows if isinstance(tags, list) and tag in tags]
        questions = questions.filter(pk__in=tagged)
    if source is not None:
        current = QuestionVersion.objects.filter(question=OuterRef("pk")).order_by("-number")
        questions = questions.alias(current_id=Subquery(current.values("pk")[:1])).filter(
            Exists(
                QuestionCitation.objects.filter(version=OuterRef("current_id"), source__slug=source)
            )
        )
    return questions


def _versions(prefix: str = "") -> Prefetch[str, QuerySet[QuestionVersion], str]:
    citations = QuestionCitation.objects.select_related("source").order_by("position")
    return Prefetch(
        f"{prefix}versions",
        queryset=QuestionVersion.objects.order_by("-number").prefetch_related(
            Prefetch("citations", queryset=citations)
        ),
    )


def exportable(
    questions: QuerySet[Question],
    *,
    base_url: str,
    course: Course,
    quiz: Quiz | None = None,
) -> tuple[list[ExportQuestion], list[Skipped]]:
    """The questions' current versions as plain data, and those that have no version yet.

    With a quiz: only the questions in it (see quiz_rows: a pool gives every question it
    may draw), in the quiz's order, each worth its slot's or its pool's points, with
    citation links that prefer the quiz's reading; without: in the queryset's order, 1 point
    each. Links are absolute: base_url + the course's cite address, which opens the reading
    that shows the quoted words, highlighted (the link Fuente's own pages give). Three queries
    (with the quiz's reading loaded), with a quiz one more for its pools (none if they are
    prefetched), and three for each pool.
    Raises ValueError if base_url is not an absolute http(s) address.
    """
    site = check_base_url(base_url)
    reading = quiz.reading.slug if quiz is not None and quiz.reading is not None else ""
    rows: list[tuple[Question, Decimal]]
    if quiz is None:
        rows = [(question, Decimal(1)) for question in questions.prefetch_related(_versions())]
    else:
        rows = quiz_rows(quiz, questions)
    found: list[ExportQuestion] = []
    missing: list[Skipped] = []
    for question, points in rows:
        version = next(iter(question.versions.all()), None)
        if version is None:
            missing.append(Skipped(question.key, NO_VERSION))
            continue
        found.append(
            ExportQuestion(
                key=question.key,
                kind=question.kind,
                stem=version.stem,
                data=version.data,
                explanation=version.explanation,
                citations=tuple(
                    _citation(citation, site=site, course=course, reading=reading)
                    for citation in version.citations.all()
                ),
                points=points,
                tags=tuple(str(tag) for tag in question.tags),
            )
        )
    return found, missing


def quiz_rows(quiz: Quiz, questions: QuerySet[Question]) -> list[tuple[Question, Decimal]]:
    """The quiz's questions among `questions`, in the quiz's order, each with its points, and
    its versions loaded: its fixed questions, and at each pool's place every question the pool
    may draw now (not only those it has drawn: a file for another LMS holds the whole pool,
    whose random draw the teacher sets up there), each worth the pool's points. A question
    two pools may draw is written once, in the first."""
    fixed = (
        fixed_slots(quiz)
        .filter(question__in=questions)
        .select_related("question")
        .prefetch_related(_versions("question__"))
    )
    places = [(slot.position, 0, slot.question, slot.points) for slot in fixed]
    pools = list(quiz.pools.all())
    taken = set(fixed_slots(quiz).values_list("question_id", flat=True)) if pools else set()
    for pool in pools:
        candidates = pool_questions(pool).filter(pk__in=questions.values("pk"))
        for question in candidates.prefetch_related(_versions()):
            if question.pk not in taken:
                places.append((pool.position, 1, question, pool.points))
                taken.add(question.pk)
    places.sort(key=lambda place: place[:2])
    return [(question, points) for _position, _kind, question, points in places]


def quiz_questions(quiz: Quiz) -> QuerySet[Question]:
    """The questions a quiz's export holds: its fixed ones and its pools' (see quiz_rows)."""
    ids = set(fixed_slots(quiz).values_list("question_id", flat=True))
    for pool in quiz.pools.all():
        ids.update(pool_questions(pool).values_list("pk", flat=True))
    return Question.objects.filter(pk__in=ids).order_by("key")


def pool_notes(quiz: Quiz | None) -> list[str]:
    """What a teacher should know about the quiz's pools in a file: it holds every question a
    pool may draw, and the LMS needs its own random draw to give each student only some."""
    if quiz is None:
        return []
    notes = []
    for pool in quiz.pools.all():
        total = pool_questions(pool).count()
        notes.append(
            ngettext(
                "The pool at place %(place)s draws %(count)s of its %(total)s questions for "
                "each attempt; the file holds all of them, each worth %(points)s point(s). To "
                "draw at random in the LMS, set it up there (Moodle: a random question from "
                "the category).",
                "The pool at place %(place)s draws %(count)s of its %(total)s questions for "
                "each attempt; the file holds all of them, each worth %(points)s point(s). To "
                "draw at random in the LMS, set it up there (Moodle: random questions from "
                "the category).",
                pool.count,
            )
            % {
                "place": pool.position,
                "count": pool.count,
                "total": total,
                "points": f"{pool.points.normalize():f}",
            }
        )
    return notes


def export_questions(
    *,
    questions: QuerySet[Question],
    fmt: str,
    out: TextIO,
    base_url: str,
    course: Course,
    quiz: Quiz | None = None,
) -> ExportResult:
    """Write the questions' current versions as Moodle XML ("moodle") or GIFT ("gift") to out,
    and say which were left out and why.

    Each question's general feedback holds its explanation and its citations, each with an
    absolute link (see exportable; course is the course whose readings the links open). With
    a quiz, only its questions, in its order and with its points, under a Moodle category named
    for the quiz; without, under one named for the course. Raises ValueError for an unknown
    format or a base_url that is not an absolute http(s) address.
    """
    if fmt not in FORMATS or fmt in PACKAGES:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if quiz is not None:
        prefetch_related_objects([quiz], "pools")  # read by the rows and the notes
    found, missing = exportable(questions, base_url=base_url, course=course, quiz=quiz)
    category = [course.title] + ([quiz.title] if quiz is not None else [])
    writer = moodle_xml.write if fmt == "moodle" else gift.write
    scoring = quiz.multiple_scoring if quiz is not None else DEFAULT_SCORING
    left_out = writer(found, out, category=category, multiple_scoring=scoring)
    all_or_nothing = (
        quiz is not None and quiz.multiple_scoring == Quiz.MultipleScoring.ALL_OR_NOTHING
    )
    has_multiple = any(q.kind == Question.Kind.MULTIPLE for q in found)
    notes = [gettext(ALL_OR_NOTHING_NOTE)] if all_or_nothing and has_multiple else []
    return ExportResult(
        written=len(found) - len(left_out),
        skipped=missing + left_out,
        notes=notes + pool_notes(quiz),
    )


def export_package(
    *,
    questions: QuerySet[Question],
    fmt: str,
    out: IO[bytes],
    base_url: str,
    course: Course,
    quiz: Quiz | None = None,
) -> ExportResult:
    """Write the questions' current versions as a QTI 2.1 content package ("qti") or an IMS
    Common Cartridge 1.1 quiz ("cc"), a zip, to out; say which were left out and why.

    Citations, order and points as export_questions. QTI 2.1 scores multiple response as the
    quiz does (all or nothing or proportional); a cartridge's QTI 1.2 profile only says "all
    the correct choices", and LMSs apply their own partial credit. Raises ValueError for an
    unknown format, a base_url that is not an absolute http(s) address, or a cartridge none
    of whose questions its profile can hold.
    """
    if fmt not in PACKAGES:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(sorted(PACKAGES))}.")
    if quiz is not None:
        prefetch_related_objects([quiz], "pools")  # read by the rows and the notes
    found, missing = exportable(questions, base_url=base_url, course=course, quiz=quiz)
    title = quiz.title if quiz is not None else course.title
    identifier = quiz.slug if quiz is not None else course.slug
    if fmt == "qti":
        scoring = quiz.multiple_scoring if quiz is not None else DEFAULT_SCORING
        left_out = qti.write(
            found, out, title=title, identifier=identifier, multiple_scoring=scoring
        )
    else:
        left_out = cc.write(found, out, title=title, identifier=identifier)
    return ExportResult(
        written=len(found) - len(left_out),
        skipped=missing + left_out,
        notes=pool_notes(quiz) + pattern_notes(found),
    )


def pattern_notes(found: Sequence[ExportQuestion]) -> list[str]:
    """QTI and Common Cartridge list a short answer's accepted forms; patterns are lost."""
    has_patterns = any(q.data.get("patterns") for q in found if q.kind == "short")
    return [gettext(PATTERN_NOTE)] if has_patterns else []


def _citation(citation: QuestionCitation, *, site: str, course: Course, reading: str) -> Citation:
    source = citation.source
    path = reverse("cite", args=[course.slug, source.slug, citation.start, citation.end])
    # The same link Fuente's own pages give (courseware/_citation.html): the course's cite
    # address, which opens the reading that shows the words, preferring the quiz's reading.
    query = f"?{urlencode({'reading': reading})}" if reading else ""
    return Citation(
        source_title=source.title,
        published=source.published,
        quote=citation.exact,
        link=f"{site}{path}{query}",
    )
