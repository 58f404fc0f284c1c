"""Questions in the admin: one form per question type with its citations checked as the teacher
types, a preview as a student sees it, copies, exports, and the move through draft →
published → retired."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext, pgettext

from courseware.http import staff_user
from courseware.ingest import QuoteError
from courseware.models import Course, Passage, Source
from courseware.params import id_param, int_param
from courseware.roles import CourseScoped, ScopedInline, courses_taught, reachable
from courseware.selectors import passages_matching, sources_unread
from courseware.services import quote_fields, typed_text
from quizzes.admin.exports import download_questions
from quizzes.admin.review import ReviewQueue
from quizzes.display import answer_fields, question_view
from quizzes.forms import CITATION_ROWS, FORMS, citation_problem
from quizzes.grading import AnswerError, grade, parse_answer
from quizzes.models import (
    Question,
    QuestionCitation,
    QuestionReport,
    QuestionVersion,
    Quiz,
    Response,
)
from quizzes.numbers import number_convention
from quizzes.services import author_question, duplicate_question, set_questions_status

MODEL_FIELDS = ["key", "difficulty", "objectives", "tags", "status"]
HISTORY_FIELDS = [
    "origin",
    "created_by",
    "generator_rule",
    "reviewed_by",
    "reviewed_at",
    "rejection_reason",
    "created_at",
    "updated_at",
]


class QuestionVersionInline(
    ScopedInline[QuestionVersion, Question], admin.StackedInline[QuestionVersion, Question]
):
    model = QuestionVersion
    fields = readonly_fields = ("number", "stem", "data", "explanation", "created_at")
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Versions (answered versions are kept as they were)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionReportInline(
    ScopedInline[QuestionReport, Question], admin.TabularInline[QuestionReport, Question]
):
    model = QuestionReport
    fields = ["created_at", "student", "version", "text", "is_resolved"]
    readonly_fields = ["created_at", "student", "version", "text"]
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Problems students reported")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SourceFilter(admin.SimpleListFilter):
    title = gettext_lazy("cited source")
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [(s.slug, s.title) for s in Source.objects.only("slug", "title")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        if not self.value():
            return queryset
        cited = QuestionCitation.objects.filter(source__slug=self.value())
        return queryset.filter(pk__in=cited.values("version__question_id"))


class GeneratorRuleFilter(admin.SimpleListFilter):
    """The rules that proposed the questions this teacher sees, and a named choice for the
    questions no rule proposed (Django's own filter shows their blank rule as a link with no
    text)."""

    title = gettext_lazy("generator rule")
    parameter_name = "generator_rule"
    NONE = "-"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        seen = Question.objects.filter(pk__in=model_admin.get_queryset(request).values("pk"))
        rules = (
            seen.exclude(generator_rule="")
            .order_by("generator_rule")
            .values_list("generator_rule", flat=True)
            .distinct()
        )
        return [(self.NONE, gettext_lazy("No rule (written by hand)"))] + [
            (rule, rule) for rule in rules
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        if not self.value():
            return queryset
        return queryset.filter(generator_rule="" if self.value() == self.NONE else self.value())


def unread_sources_warning(course: Course, sources: list[Source]) -> str:
    """A cited source that no reading of the course uses: students can open it (the citation
    shows the whole source), but the course gives them no reading of it."""
    return gettext(
        "No reading of the course “%(course)s” uses %(sources)s: a student following this "
        "citation opens the whole source, not a reading. Add a reading of it to the course, "
        "or cite a source the course reads."
    ) % {"course": course.title, "sources": ", ".join(f"“{source}”" for source in sources)}


@admin.register(Question)
class QuestionAdmin(ReviewQueue, CourseScoped[Question]):
    course_field = "slots__quiz__course"
    shared_if_unused = True
    change_form_template = "admin/quizzes/question/change_form.html"
    change_list_template = "admin/quizzes/question/change_list.html"
    list_display = [
        "key",
        "question_text",
        "kind",
        "status",
        "origin",
        "difficulty",
        "open_reports",
    ]
    list_filter = [
        "status",
        "kind",
        "origin",
        "difficulty",
        SourceFilter,
        "objectives",
        GeneratorRuleFilter,
    ]
    search_fields = ["key", "versions__stem"]
    filter_horizontal = ["objectives"]
    inlines = [QuestionReportInline, QuestionVersionInline]
    actions = [
        "publish",
        "retire",
        "back_to_draft",
        "duplicate",
        "export_moodle",
        "export_gift",
        "export_qti",
        "export_cc",
    ]

    # -- who sees what

    def scope(self, request: HttpRequest) -> Q:
        return super().scope(request) | Q(created_by_id=request.user.pk)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        newest = QuestionVersion.objects.filter(question=OuterRef("pk")).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_reports=Count("reports", filter=Q(reports__is_resolved=False)),
                current_stem=Subquery(newest.values("stem")[:1]),
            )
        )

    @admin.display(description=gettext_lazy("Open reports"), ordering="n_reports")
    def open_reports(self, obj: Question) -> int:
        return obj.n_reports  # type: ignore[attr-defined, no-any-return]

    @admin.display(description=gettext_lazy("Question"), ordering="current_stem")
    def question_text(self, obj: Question) -> str:
        """What the newest version asks, cut to a line or so."""
        stem = getattr(obj, "current_stem", None) or ""
        return Truncator(" ".join(stem.split())).chars(90)

    # -- the form: one per question type

    def _kind(self, request: HttpRequest, obj: Question | None) -> str:
        kind = obj.kind if obj is not None else request.GET.get("kind", "")
        if kind not in FORMS:
            raise Http404("No such question type.")
        return kind

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        readonly = set(self.get_readonly_fields(request, obj))
        kwargs["fields"] = [f for f in MODEL_FIELDS if f not in readonly]
        kwargs["form"] = FORMS[self._kind(request, obj)]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = FORMS[self._kind(request, obj)].fieldsets()
        if obj is not None:
            fieldsets.append(
                (
                    pgettext("a question's record", "History"),
                    {"fields": HISTORY_FIELDS, "classes": ["collapse"]},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["key", "kind_label", *HISTORY_FIELDS] if obj else ["kind_label"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    @admin.display(description=gettext_lazy("Type"))
    def kind_label(self, obj: Question | None) -> str:
        return str(Question.Kind(obj.kind).label) if obj and obj.kind else ""

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        if request.GET.get("kind") not in FORMS:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return TemplateResponse(
                request,
                "admin/quizzes/question/choose_kind.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": gettext("Add a question: choose its type"),
                    "kinds": Question.Kind.choices,
                },
            )
        return super().add_view(request, form_url, extra_context)

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        question = form.save(commit=False)
        question.kind = form.kind
        return question

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        data = form.cleaned_data
        author_question(
            question=obj,
            stem=typed_text(data["stem"]).strip(),
            data=data["data"],
            explanation=typed_text(data["explanation"]).strip(),
            citations=data["citations"],
            by=staff_user(request),
        )
        self._warn_of_unread_sources(request, obj, [c["source"] for c in data["citations"]])

    def _warn_of_unread_sources(
        self, request: HttpRequest, question: Question, sources: list[Source]
    ) -> None:
        """Tell the author when a citation's source is read by no reading of the question's
        courses (or, for a question in no quiz yet, the author's): students then open the
        whole source, not a reading."""
        quizzed = Question.objects.filter(pk=question.pk).values(self.course_field)
        courses = Course.objects.filter(pk__in=quizzed) or courses_taught(request.user)
        for course in courses:
            if unread := sources_unread(course, sources):
                self.message_user(request, unread_sources_warning(course, unread), messages.WARNING)

    # -- status workflow and copies

    def _move(self, request: HttpRequest, queryset: QuerySet[Question], status: str) -> None:
        questions = list(queryset)
        problems = set_questions_status(questions=questions, status=status, by=staff_user(request))
        moved = len(questions) - len(problems)
        label = Question.Status(status).label.lower()
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)s question now %(status)s.",
                    "%(count)s questions now %(status)s.",
                    moved,
                )
                % {"count": moved, "status": label},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    @admin.action(description=gettext_lazy("Publish selected questions"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._move(request, queryset, Question.Status.PUBLISHED)

    @admin.action(description=gettext_lazy("Retire selected questions"), permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._move(request, queryset, Question.Status.RETIRED)

    @admin.action(
        description=gettext_lazy("Send selected questions back to draft"), permissions=["change"]
    )
    def back_to_draft(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._move(request, queryset, Question.Status.DRAFT)

    @admin.action(
        description=gettext_lazy("Duplicate selected questions (as drafts)"), permissions=["add"]
    )
    def duplicate(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        copies = [duplicate_question(question=q, by=staff_user(request)) for q in queryset]
        if len(copies) == 1:
            self.message_user(
                request, gettext("Copied as %(key)s: edit it here.") % {"key": copies[0].key}
            )
            return redirect("admin:quizzes_question_change", copies[0].pk)
        self.message_user(
            request,
            ngettext("%(count)s draft copy made.", "%(count)s draft copies made.", len(copies))
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description=gettext_lazy("Export selected questions as Moodle XML"), permissions=["view"]
    )
    def export_moodle(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        course = courses_taught(request.user).first()
        return download_questions(self, request, queryset, "moodle", course=course)

    @admin.action(
        description=gettext_lazy("Export selected questions as GIFT"), permissions=["view"]
    )
    def export_gift(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        course = courses_taught(request.user).first()
        return download_questions(self, request, queryset, "gift", course=course)

    @admin.action(
        description=gettext_lazy("Export selected questions as a QTI 2.1 package"),
        permissions=["view"],
    )
    def export_qti(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        course = courses_taught(request.user).first()
        return download_questions(self, request, queryset, "qti", course=course)

    @admin.action(
        description=gettext_lazy("Export selected questions as a Common Cartridge quiz"),
        permissions=["view"],
    )
    def export_cc(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        course = courses_taught(request.user).first()
        return download_questions(self, request, queryset, "cc", course=course)

    # -- extra pages: preview, citation check, passage search, review queue

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="quizzes_question_preview"),
            path(
                "<int:pk>/duplicate/",
                wrap(self.duplicate_view),
                name="quizzes_question_duplicate",
            ),
            path("check-citation/", wrap(self.check_citation_view), name="quizzes_question_check"),
            path("passages/", wrap(self.passages_view), name="quizzes_question_passages"),
            path("review/", wrap(self.review_view), name="quizzes_question_review"),
            *super().get_urls(),
        ]

    def _question(self, request: HttpRequest, pk: int) -> Question:
        question = self.get_queryset(request).filter(pk=pk).first()
        if question is None or not self.has_view_permission(request, question):
            raise Http404("No such question.")
        return question

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The question exactly as a student sees it; answer it to see the feedback, the
        right answer and the citations a student sees after submitting."""
        question = self._question(request, pk)
        version = question.current_version()
        if version is None:
            raise Http404("This question has nothing to preview yet.")
        quiz = Quiz(shuffle_choices=False, review_feedback="after_submit")
        response = Response(
            version=version, position=0, max_points=1, attempt_id=0, slot_id=0, answer=None
        )
        error, status = "", 200
        answered = request.method == "POST"
        if answered:
            try:
                form = answer_fields(response).reveal(
                    question.kind, version.data, dict(request.POST.lists())
                )
                response.answer = parse_answer(
                    question.kind,
                    version.data,
                    form,
                    convention=number_convention(get_language()),
                )
                result = grade(question.kind, version.data, response.answer, max_points=Decimal(1))
                response.points, response.outcome = result.points, result.outcome
            except AnswerError as exc:
                error, status, answered = str(exc), 400, False
        view = question_view(response, quiz, submitted=answered, closed=False)
        # Citations link to a course's reading; a teacher with no course sees them unlinked.
        course = courses_taught(request.user).first()
        if view.review and course is None:
            view.review.citations = []
        return render(
            request,
            "quizzes/question_preview.html",
            {
                "question": question,
                "version": version,
                "view": view,
                "error": error,
                "answered": answered,
                "course": course,
                "change_url": reverse("admin:quizzes_question_change", args=[question.pk]),
            },
            status=status,
        )

    def duplicate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        copy = duplicate_question(question=self._question(request, pk), by=staff_user(request))
        self.message_user(
            request,
            gettext("Copied as %(key)s, a draft: change what you need.") % {"key": copy.key},
        )
        return redirect("admin:quizzes_question_change", copy.pk)

    def check_citation_view(self, request: HttpRequest) -> HttpResponse:
        """As the teacher types: does this quote anchor, and where? If not, the nearest text."""
        if request.method != "POST":
            raise PermissionDenied
        row = request.POST.get("row", "")
        if row not in {str(n) for n in range(1, CITATION_ROWS + 1)}:
            return HttpResponse("No such citation row.", status=400)
        quote = typed_text(request.POST.get(f"citation_{row}_quote", "")).strip()[:2000]
        source_id = id_param(request.POST.get(f"citation_{row}_source"))
        sources = reachable(self.admin_site, request, Source)
        source = sources.filter(pk=source_id).first() if source_id else None
        context: dict[str, Any] = {"row": row, "quote": quote, "source": source}
        if quote and source is not None:
            try:
                fields = quote_fields(source, quote)
            except QuoteError as error:
                context["error"], context["problem"] = error, citation_problem(error)
            else:
                context["found"] = fields
                context["passage"] = Passage.objects.filter(
                    source=source, start__lte=fields["start"], end__gte=fields["end"]
                ).first()
                context["unread"] = [
                    unread_sources_warning(course, [source])
                    for course in courses_taught(request.user)
                    if sources_unread(course, [source])
                ]
        return render(request, "admin/quizzes/question/citation_check.html", context)

    def passages_view(self, request: HttpRequest) -> HttpResponse:
        """Passages containing every word searched for, to pick a citation's words from."""
        query = typed_text(request.GET.get("q", "")).strip()
        row = int_param(request.GET.get("row"), default=1, low=1, high=CITATION_ROWS)
        sources = reachable(self.admin_site, request, Source)
        chosen = id_param(request.GET.get(f"citation_{row}_source"))
        if chosen:
            sources = sources.filter(pk=chosen)
        passages = passages_matching(sources, query)
        return render(
            request,
            "admin/quizzes/question/passages.html",
            {"passages": passages, "query": query, "row": row},
        )
