"""The queue of generated drafts in the admin, where a teacher accepts or rejects each one."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from courseware.http import staff_user
from courseware.params import id_param
from quizzes.grading import correct_answer_text
from quizzes.models import Question
from quizzes.selectors import acceptance_by_rule
from quizzes.services import accept_draft, reject_draft


class ReviewQueue(admin.ModelAdmin[Question]):
    """The review page of the question admin (it is mixed in there, which adds its URL)."""

    def review_view(self, request: HttpRequest) -> HttpResponse:
        """Generated drafts waiting for a teacher: accept as they are, edit then publish, or
        reject with a reason; and how often each generator rule's drafts are accepted."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        pending = (
            self.get_queryset(request)
            .filter(origin=Question.Origin.GENERATED, status=Question.Status.DRAFT)
            .order_by("generator_rule", "key")
        )
        errors: dict[int, str] = {}
        status = 200
        if request.method == "POST":
            question = get_object_or_404(pending, pk=id_param(request.POST.get("question")) or 0)
            try:
                if request.POST.get("decision") == "accept":
                    accept_draft(question=question, by=staff_user(request))
                    self.message_user(
                        request,
                        gettext("Accepted and published %(key)s.") % {"key": question.key},
                    )
                elif request.POST.get("decision") == "reject":
                    reject_draft(
                        question=question,
                        reason=request.POST.get("reason", ""),
                        by=staff_user(request),
                    )
                    self.message_user(request, gettext("Rejected %(key)s.") % {"key": question.key})
                else:
                    raise ValidationError(gettext("Choose accept or reject."))
            except ValidationError as error:
                errors[question.pk] = " ".join(error.messages)
                status = 400
            else:
                return HttpResponseRedirect(request.get_full_path())
        rule = request.GET.get("rule", "")
        if rule:
            pending = pending.filter(generator_rule=rule)
        page = Paginator(pending, 10).get_page(request.GET.get("page"))
        drafts = [(q, q.current_version(), errors.get(q.pk, "")) for q in page]
        return TemplateResponse(
            request,
            "admin/quizzes/question/review.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Review generated drafts"),
                "page": page,
                "drafts": [
                    (q, v, error, correct_answer_text(q.kind, v.data) if v else "")
                    for q, v, error in drafts
                ],
                "rules": acceptance_by_rule(),
                "rule": rule,
                "posted_reason": request.POST.get("reason", "") if errors else "",
            },
            status=status,
        )
