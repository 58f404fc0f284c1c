"""Generated draft questions: proposing them from the sources, accepting or rejecting them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from courseware.ingest import Block
from courseware.models import Course, Objective, Source
from courseware.services.citations import quote_fields, typed_text
from quizzes.generator import (
    SHORT_YIELD,
    Draft,
    SourceText,
    build_pool,
    distinct_facts,
    generate,
    load_lexicon,
    select,
    short_source_drafts,
    source_label,
)
from quizzes.grading import correct_answer_text
from quizzes.models import Question, QuestionCitation
from quizzes.services.authoring import _mark_reviewed, save_question_version, set_question_status


@transaction.atomic
def generate_drafts(
    *,
    sources: list[Source],
    limit: int | None,
    seed: int,
    distractor_pool: list[Source] | None = None,
) -> list[Question]:
    """Propose draft questions from the sources' cleaned texts, by rules (quizzes.generator).

    Distractors come from the texts of `distractor_pool` (by default every source in the
    database; of a very long text, its first 200,000 characters: generator.pool_text). The
    sources' drafts are one queue: a fact two sources tell is drafted once, from the first
    (generator.distinct_facts), and a draft repeating one already waiting for review (status
    draft, origin generated, citing the same source) is not saved again: the same cited
    sentence, or a fact distinct_facts calls the same (_pending_facts). At most `limit` new
    drafts per source (None: no limit), taken in turn from each rule. Each draft is saved with
    status "draft", origin "generated", difficulty 2, the rule that made it, one citation (the
    sentence it was made from) and the objectives proposed for it by the readings
    (_proposed_objectives). Keys
    are stable (source, rule and sentence), so a key that already exists is skipped and running
    again adds nothing twice. Drafts never reach students until a teacher publishes them.
    Returns the questions created, source by source.
    """
    if distractor_pool is None:
        distractor_pool = list(Source.objects.defer("raw_text", "removed_lines"))
    lexicon = load_lexicon(settings.SEEDS_DIR)  # the pack's course/lexicon.toml, if any
    pool = build_pool((source.text for source in distractor_pool), lexicon=lexicon)
    drafted: list[tuple[Source, list[Draft]]] = []
    for source in sources:
        text = _source_text(source)
        drafts = generate(text, seed=seed, pool=pool)
        if len(drafts) < SHORT_YIELD:
            others = [_source_text(other) for other in _sources_read_with(source, distractor_pool)]
            drafts += short_source_drafts(text, others, drafts, seed=seed, pool=pool)
        drafted.append((source, drafts))
    everything = [draft for _, drafts in drafted for draft in drafts]
    common = pool.lexicon.language.common
    queue = {id(d) for d in distinct_facts(everything, common=common)}
    created: list[Question] = []
    for source, all_drafts in drafted:
        drafts = _not_waiting(source, [d for d in all_drafts if id(d) in queue], common)
        existing = set(
            Question.objects.filter(key__in=[d.key for d in drafts]).values_list("key", flat=True)
        )
        for draft in select([d for d in drafts if d.key not in existing], limit):
            question = Question.objects.create(
                key=draft.key,
                kind=draft.kind,
                status=Question.Status.DRAFT,
                origin=Question.Origin.GENERATED,
                difficulty=2,
                generator_rule=draft.rule,
            )
            citation = quote_fields(source, draft.quote)
            save_question_version(
                question,
                stem=draft.stem,
                data=draft.data,
                explanation=draft.explanation,
                citations=[citation],
            )
            question.objectives.set(
                _proposed_objectives(source, citation["start"], citation["end"])
            )
            created.append(question)
    return created


def _not_waiting(source: Source, drafts: list[Draft], common: frozenset[str]) -> list[Draft]:
    """The drafts whose cited sentence or fact no generated draft of the source waiting for
    review already has."""
    pending = _pending_facts(source)
    quoted = {draft.quote for draft in pending}
    fresh = {id(d) for d in distinct_facts([*pending, *drafts], common=common)}
    return [draft for draft in drafts if id(draft) in fresh and draft.quote not in quoted]


def _pending_facts(source: Source) -> list[Draft]:
    """The generated drafts waiting for review that cite the source, as the generator's
    drafts (their cited sentence and right answer), to compare new drafts with."""
    citations = QuestionCitation.objects.filter(
        source=source,
        version__question__status=Question.Status.DRAFT,
        version__question__origin=Question.Origin.GENERATED,
    ).select_related("version__question")
    return [
        Draft(
            key=citation.version.question.key,
            source=source.slug,
            rule=citation.version.question.generator_rule,
            kind=citation.version.question.kind,
            stem=citation.version.stem,
            data=citation.version.data,
            answer=correct_answer_text(citation.version.question.kind, citation.version.data),
            blank="",
            quote=citation.exact,
            start=citation.start,
            end=citation.end,
            explanation=citation.version.explanation,
        )
        for citation in citations
    ]


def _proposed_objectives(source: Source, start: int, end: int) -> list[Objective]:
    """The objectives of the readings that include the cited passage (the one holding
    source.text[start:end]); if those give none, of the readings using any passage of the
    source; none if no reading uses it. The teacher reviews them with the draft."""
    used = Objective.objects.filter(readings__reading_passages__passage__source=source)
    cited = Objective.objects.filter(  # one filter(): the same passage, of the same reading
        readings__reading_passages__passage__source=source,
        readings__reading_passages__passage__start__lt=end,
        readings__reading_passages__passage__end__gt=start,
    )
    return list(cited.distinct()) or list(used.distinct())


def _sources_read_with(source: Source, pool: list[Source]) -> QuerySet[Source]:
    """The sources read in the courses whose readings use `source` (the choices of a "which
    source" draft), or, if no reading uses it yet, the distractor pool's."""
    courses = Course.objects.filter(readings__passages__source=source)
    mates = Source.objects.filter(passages__readings__courses__in=courses)
    if not courses.exists():
        mates = Source.objects.filter(pk__in=[other.pk for other in pool])
    return mates.distinct().prefetch_related("passages")


def _source_text(source: Source) -> SourceText:
    """A source as the generator reads it: its passages, and who its words belong to."""
    blocks = tuple(Block(p.kind, p.text, p.start, p.end, p.section) for p in source.passages.all())
    label = source_label(source.publisher, source.author, source.title, source.kind)
    return SourceText(
        slug=source.slug, label=label, published=source.published, text=source.text, blocks=blocks
    )


def _pending_draft(question: Question) -> None:
    if question.origin != Question.Origin.GENERATED or question.status != Question.Status.DRAFT:
        raise ValidationError(
            gettext("%(key)s is not a generated draft waiting for review.") % {"key": question.key}
        )


@transaction.atomic
def accept_draft(*, question: Question, by: User) -> None:
    """Publish a generated draft as it is (it must have a citation that anchors)."""
    _pending_draft(question)
    set_question_status(question, Question.Status.PUBLISHED)
    _mark_reviewed(question, by, timezone.now())
    question.save(update_fields=["reviewed_by", "reviewed_at"])


@transaction.atomic
def reject_draft(*, question: Question, reason: str, by: User) -> None:
    """Reject a generated draft; the reason is kept, to improve the rule that made it."""
    _pending_draft(question)
    reason = typed_text(reason).strip()
    if not reason:
        raise ValidationError(
            gettext("Say why the draft is rejected: it tells us how to fix its rule.")
        )
    if len(reason) > 2000:
        raise ValidationError(gettext("Keep the reason under 2,000 characters."))
    question.status, question.rejection_reason = Question.Status.REJECTED, reason
    question.reviewed_by, question.reviewed_at = by, timezone.now()
    question.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
