"""Writes that touch several rows: building the course pack, importing a source."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from courseware import roster
from courseware.ingest import (
    CleanRules,
    Document,
    QuoteError,
    SourceFileError,
    anchor,
    decode,
    ingest,
    selector,
)
from courseware.models import (
    Course,
    Enrollment,
    EventCitation,
    NoteCitation,
    Objective,
    Passage,
    Perspective,
    PerspectiveCitation,
    Post,
    PostEvidence,
    Prompt,
    Quote,
    Reading,
    ReadingNote,
    ReadingPassage,
    ReadingProgress,
    Source,
    TimelineEvent,
    TimelinePeriod,
    published_validator,
)
from courseware.pack import (
    PROMPTS_FILE,
    READINGS_FILE,
    SOURCES_FILE,
    TIMELINE_FILE,
    CitationSpec,
    NoteSpec,
    Pack,
    PackError,
    load_pack,
    part_blocks,
)
from courseware.reimport import (
    BROKEN,
    EDITED,
    Relocation,
    Span,
    match_passages,
    relocate,
    remap_reading,
)
from courseware.roles import courses_taught, make_teacher


@dataclass(frozen=True)
class BuildSummary:
    sources: int
    passages: int
    removed_lines: int
    objectives: int
    readings: int
    course: str

    def __str__(self) -> str:
        return (
            f"{self.sources} sources, {self.passages} passages, {self.removed_lines} removed "
            f"lines, {self.objectives} objectives, {self.readings} readings in course "
            f"{self.course!r}."
        )


def _write_source(
    source: Source, *, raw: bytes, document: Document, rules_data: dict[str, Any]
) -> Source:
    """Store a source's text and passages, changing only the rows that differ."""
    source.raw_sha256 = hashlib.sha256(raw).hexdigest()
    source.raw_text = raw.decode("utf-8-sig")
    source.clean_rules = rules_data
    source.text = document.text
    source.removed_lines = [
        {"line_no": r.line_no, "text": r.text, "reason": r.reason} for r in document.removed
    ]
    source.full_clean()
    source.save()

    existing = {p.position: p for p in source.passages.all()}
    changed, created = [], []
    for position, block in enumerate(document.blocks):
        values = {
            "kind": block.kind,
            "section": block.section[:300],
            "text": block.text,
            "start": block.start,
            "end": block.end,
        }
        passage = existing.pop(position, None)
        if passage is None:
            created.append(Passage(source=source, position=position, **values))
        elif any(getattr(passage, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(passage, key, value)
            changed.append(passage)
    Passage.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    Passage.objects.bulk_update(changed, ["kind", "section", "text", "start", "end"])
    Passage.objects.bulk_create(created)
    return source


def quote_fields(source: Source, quote: str, prefix: str = "", suffix: str = "") -> dict[str, Any]:
    """Anchor a quote in a source and return the fields of a Quote row (raises QuoteError).

    The stored `exact` is the source's own characters, and prefix/suffix are recomputed as the
    shortest context that keeps the quote unique, so a citation survives being re-typed with
    straight quotes or different spacing.
    """
    found = anchor(source.text, quote, prefix, suffix)
    context_before, context_after = selector(source.text, found.start, found.end)
    return {
        "source": source,
        "exact": found.exact,
        "prefix": context_before,
        "suffix": context_after,
        "start": found.start,
        "end": found.end,
    }


def _write_citations(
    model: type[Quote],
    owner: dict[str, Any],
    specs: tuple[CitationSpec, ...],
    sources: dict[str, Source],
    file: str,
    where: str,
) -> None:
    """Anchor each citation of a pack item and store it; a quote that does not anchor stops the
    build with the file, the item and the nearest text."""
    for number, citation in enumerate(specs):
        try:
            fields = quote_fields(
                sources[citation.source], citation.quote, citation.prefix, citation.suffix
            )
        except QuoteError as error:
            raise PackError(file, f"{where}, citation {number + 1}", str(error)) from error
        model.objects.create(position=number, **owner, **fields)


def _write_notes(reading: Reading, notes: tuple[NoteSpec, ...], sources: dict[str, Source]) -> None:
    reading.notes.all().delete()
    for position, spec in enumerate(notes):
        note = ReadingNote.objects.create(
            reading=reading, position=position, title=spec.title, text=spec.text
        )
        where = f"reading {reading.slug!r}, note {position + 1}"
        _write_citations(
            NoteCitation, {"note": note}, spec.citations, sources, READINGS_FILE, where
        )


def _write_prompts(
    pack: Pack, sources: dict[str, Source], objectives: dict[str, Objective]
) -> list[Prompt]:
    prompts = []
    for position, spec in enumerate(pack.prompts):
        prompt, _ = Prompt.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "question": spec.question,
                "context": spec.context,
                "guiding_questions": list(spec.guiding_questions),
                "position": position,
            },
        )
        prompt.objectives.set([objectives[code] for code in spec.objectives])
        prompt.perspectives.all().delete()
        for number, view in enumerate(spec.perspectives):
            perspective = Perspective.objects.create(
                prompt=prompt, position=number, label=view.label, summary=view.summary
            )
            where = f"prompt {spec.slug!r}, perspective {number + 1}"
            _write_citations(
                PerspectiveCitation,
                {"perspective": perspective},
                view.citations,
                sources,
                PROMPTS_FILE,
                where,
            )
        prompts.append(prompt)
    return prompts


def _write_timeline(pack: Pack, sources: dict[str, Source]) -> None:
    TimelinePeriod.objects.all().delete()
    TimelinePeriod.objects.bulk_create(
        TimelinePeriod(title=p.title, until=p.until, position=i) for i, p in enumerate(pack.periods)
    )
    for spec in pack.events:
        event, _ = TimelineEvent.objects.update_or_create(
            slug=spec.slug,
            defaults={"when": spec.when, "sort": spec.sort, "title": spec.title, "note": spec.note},
        )
        event.citations.all().delete()
        where = f"event {spec.slug!r}"
        _write_citations(
            EventCitation, {"event": event}, spec.citations, sources, TIMELINE_FILE, where
        )


@transaction.atomic
def build_course(
    *, seeds_dir: Path, log: Callable[[str], None] = lambda line: None
) -> BuildSummary:
    """Load the course pack in `seeds_dir` into the database, idempotently.

    Rows are matched by their stable slugs and codes, so a rebuild updates in place and never
    duplicates. Any error (a changed file, a quote that does not anchor) raises PackError and
    rolls the whole build back.
    """
    pack = load_pack(seeds_dir)
    documents: dict[str, tuple[Source, Document]] = {}
    for position, spec in enumerate(pack.sources):
        raw = pack.raw_bytes(spec)
        try:
            document = ingest(decode(raw), spec.rules)
        except SourceFileError as error:
            raise PackError(SOURCES_FILE, f"source {spec.slug!r}", str(error)) from error
        source, _ = Source.objects.get_or_create(slug=spec.slug, defaults={"title": spec.title})
        for field, value in {
            "title": spec.title,
            "is_title_editorial": spec.title_is_editorial,
            "author": spec.author,
            "publisher": spec.publisher,
            "published": spec.published,
            "kind": spec.kind,
            "url": spec.url,
            "copied_from_url": spec.copied_from,
            "note": spec.note,
            "position": position,
        }.items():
            setattr(source, field, value)
        try:
            _write_source(source, raw=raw, document=document, rules_data=spec.rules_data)
        except ValidationError as error:
            raise PackError(
                SOURCES_FILE, f"source {spec.slug!r}", "; ".join(error.messages)
            ) from error
        documents[spec.slug] = (source, document)
        log(
            f"  source {spec.slug}: {len(document.blocks)} passages, "
            f"{len(document.removed)} lines removed"
        )

    for position, objective in enumerate(pack.objectives):
        Objective.objects.update_or_create(
            code=objective.code, defaults={"title": objective.title, "position": position}
        )
    objectives = {o.code: o for o in Objective.objects.all()}
    sources = {slug: source for slug, (source, _) in documents.items()}

    readings = []
    for position, spec in enumerate(pack.readings):
        passages: list[Passage] = []
        for number, part in enumerate(spec.parts, start=1):
            source, document = documents[part.source]
            by_position = {p.position: p for p in source.passages.all()}
            blocks = part_blocks(document, part, f"reading {spec.slug!r}, part {number}")
            passages.extend(by_position[i] for i in blocks)
        reading, _ = Reading.objects.update_or_create(
            slug=spec.slug,
            defaults={"title": spec.title, "summary": spec.summary, "position": position},
        )
        reading.objectives.set([objectives[code] for code in spec.objectives])
        current = list(reading.reading_passages.values_list("passage_id", flat=True))
        if current != [p.pk for p in passages]:
            reading.reading_passages.all().delete()
            ReadingPassage.objects.bulk_create(
                ReadingPassage(reading=reading, passage=p, position=i)
                for i, p in enumerate(passages)
            )
        _write_notes(reading, spec.notes, sources)
        readings.append(reading)
        log(f"  reading {spec.slug}: {len(passages)} passages, {len(spec.notes)} notes")

    course, _ = Course.objects.update_or_create(
        slug=pack.course.slug,
        defaults={"title": pack.course.title, "description": pack.course.description},
    )
    course.readings.add(*readings)
    course.prompts.add(*_write_prompts(pack, sources, objectives))
    _write_timeline(pack, sources)
    log(f"  prompts: {len(pack.prompts)}, timeline events: {len(pack.events)}")

    return BuildSummary(
        sources=len(documents),
        passages=sum(len(d.blocks) for _, d in documents.values()),
        removed_lines=sum(len(d.removed) for _, d in documents.values()),
        objectives=len(pack.objectives),
        readings=len(readings),
        course=course.title,
    )


@transaction.atomic
def import_source(
    *,
    slug: str,
    title: str,
    data: bytes,
    author: str = "",
    publisher: str = "",
    published: str = "",
    kind: str = Source.Kind.OTHER,
    note: str = "",
) -> Source:
    """Add a new source through the same pipeline as the course pack.

    Raises ValidationError with a message a teacher can act on: an empty, binary or non-UTF-8
    file, a slug already taken, a date in the wrong form.
    """
    errors: dict[str, list[str]] = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [
            "Use only letters, numbers, hyphens and underscores, e.g. 'ap-guns-2026'."
        ]
    if not errors and Source.objects.filter(slug=slug).exists():
        errors["slug"] = [f"A source with the slug {slug!r} already exists; choose another slug."]
    if not title.strip():
        errors["title"] = ["Give the source a title."]
    if kind not in Source.Kind.values:
        errors["kind"] = [f"Kind must be one of {', '.join(Source.Kind.values)}."]
    if published:
        try:
            published_validator(published)
        except ValidationError as error:
            errors["published"] = list(error.messages)
    try:
        text = decode(data)
    except SourceFileError as error:
        errors["file"] = [str(error)]
    if errors:
        raise ValidationError(errors)

    source = Source(
        slug=slug,
        title=title.strip(),
        author=author.strip(),
        publisher=publisher.strip(),
        published=published,
        kind=kind,
        note=note.strip(),
        position=Source.objects.count(),
    )
    return _write_source(source, raw=data, document=ingest(text), rules_data={})


DEMO_PASSWORD = "fuente-demo"
DEMO_USERS = (
    ("teacher", "Teresa", "Salinas", Enrollment.Role.TEACHER),
    ("student1", "Ana", "Flores", Enrollment.Role.STUDENT),
    ("student2", "Ben", "Carter", Enrollment.Role.STUDENT),
    ("student3", "Chloe", "Nguyen", Enrollment.Role.STUDENT),
)


@transaction.atomic
def setup_demo(*, seeds_dir: Path | None = None) -> tuple[Course, list[tuple[Any, str]]]:
    """Create the demo teacher and students (once) and enrol them in the pack's course.

    Existing accounts keep their passwords, so running it again changes nothing.
    Raises Course.DoesNotExist when the course has not been built yet.
    """
    course = Course.objects.get(slug=load_pack(seeds_dir or settings.SEEDS_DIR).course.slug)
    users = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.edu"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if role == Enrollment.Role.TEACHER:
                make_teacher(user)
        Enrollment.objects.get_or_create(course=course, user=user, defaults={"role": role})
        users.append((user, role))
    return course, users


# ---------------------------------------------------------------------------------------------
# Discussion and reading progress

EDIT_WINDOW = timedelta(minutes=30)
MAX_POST_LENGTH = 5000
MAX_EVIDENCE = 5
# A reading page reports time every 30 s while open; more than this per report is not reading.
MAX_SECONDS_PER_PING = 60
# A post sent again within this time is the same post (see post_response).
REPOST_WINDOW = timedelta(minutes=10)


def without_nul(text: str) -> str:
    """PostgreSQL cannot store NUL characters, and no person types one: drop them."""
    return text.replace("\x00", "")


@dataclass(frozen=True)
class Evidence:
    """A quote a student attaches to a post: which source, and the words."""

    source: str
    quote: str


def _evidence_fields(
    course: Course, evidence: list[Evidence]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Anchor each quote in a source the course reads; errors name the quote and nearest text."""
    sources = {
        s.slug: s for s in Source.objects.filter(passages__readings__courses=course).distinct()
    }
    fields, errors = [], []
    for number, item in enumerate(evidence, start=1):
        if not item.quote.strip():
            continue
        source = sources.get(item.source)
        if source is None:
            errors.append(f"Evidence {number}: choose one of the course's sources for the quote.")
            continue
        try:
            fields.append(quote_fields(source, item.quote))
        except QuoteError as error:
            errors.append(f"Evidence {number}: {error}")
    if len(fields) > MAX_EVIDENCE:
        errors.append(f"Attach at most {MAX_EVIDENCE} quotes.")
    return fields, errors


def _check_post(
    body: str, evidence: list[Evidence], course: Course, *, needs_evidence: bool
) -> tuple[str, list[dict[str, Any]]]:
    errors: dict[str, list[str]] = {}
    body = without_nul(body).strip()
    if not body:
        errors["body"] = ["Write your response before posting."]
    elif len(body) > MAX_POST_LENGTH:
        errors["body"] = [
            f"Keep it under {MAX_POST_LENGTH:,} characters (yours has {len(body):,})."
        ]
    fields, evidence_errors = _evidence_fields(course, evidence)
    if evidence_errors:
        errors["evidence"] = evidence_errors
    elif needs_evidence and not fields:
        errors["evidence"] = ["Attach at least one quote from the course's sources as evidence."]
    if errors:
        raise ValidationError(errors)
    return body, fields


@transaction.atomic
def post_response(
    *,
    prompt: Prompt,
    course: Course,
    author: Any,
    body: str,
    evidence: list[Evidence],
    parent: Post | None = None,
) -> Post:
    """Post a response to a prompt (evidence required) or a reply to a post (evidence optional).

    Posting is idempotent: the same post sent again within REPOST_WINDOW (a double click, a
    resent form, a retry after a timeout) returns the first one instead of a copy.

    Raises ValidationError keyed by "body" and "evidence", with messages a student can act on.
    """
    body, fields = _check_post(body, evidence, course, needs_evidence=parent is None)
    # One author's posts are written one at a time, so that copies sent at once see each other.
    User.objects.select_for_update().filter(pk=author.pk).exists()
    recent = Post.objects.filter(
        prompt=prompt,
        course=course,
        author=author,
        parent=parent,
        body=body,
        created_at__gte=timezone.now() - REPOST_WINDOW,
    ).prefetch_related("evidence")
    quoted = [(f["source"].pk, f["start"], f["end"]) for f in fields]
    for earlier in recent:
        if [(e.source_id, e.start, e.end) for e in earlier.evidence.all()] == quoted:
            return earlier
    post = Post.objects.create(
        prompt=prompt, course=course, author=author, parent=parent, body=body
    )
    PostEvidence.objects.bulk_create(
        PostEvidence(post=post, position=i, **f) for i, f in enumerate(fields)
    )
    return post


@transaction.atomic
def edit_post(
    *, post: Post, author: Any, body: str, evidence: list[Evidence], now: datetime | None = None
) -> Post:
    """Let the author change a post within EDIT_WINDOW of posting it."""
    now = now or timezone.now()
    if post.author_id != author.pk:
        raise PermissionDenied("Only the author can edit a post.")
    if now - post.created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise ValidationError(
            {"body": [f"Posts can be edited for {minutes} minutes after posting."]}
        )
    body, fields = _check_post(body, evidence, post.course, needs_evidence=post.parent_id is None)
    post.body, post.edited_at = body, now
    post.save(update_fields=["body", "edited_at"])
    post.evidence.all().delete()
    PostEvidence.objects.bulk_create(
        PostEvidence(post=post, position=i, **f) for i, f in enumerate(fields)
    )
    return post


@transaction.atomic
def review_post(
    *,
    post: Post,
    teacher: Any,
    is_featured: bool,
    is_hidden: bool,
    score: Decimal | None,
    comment: str,
    now: datetime | None = None,
) -> Post:
    """A teacher features or hides a post and gives it a score (0 to the prompt's points) and a
    comment; the score enters the gradebook. A bad score changes nothing (ValidationError)."""
    if score is not None and not (0 <= score <= post.prompt.points):
        raise ValidationError(
            {"score": [f"Give a score from 0 to {post.prompt.points.normalize():f}."]}
        )
    post.is_featured, post.is_hidden = is_featured, is_hidden
    comment = without_nul(comment).strip()
    if (score, comment) != (post.score, post.teacher_comment):
        post.score, post.teacher_comment = score, comment
        post.scored_by, post.scored_at = teacher, now or timezone.now()
    post.save(
        update_fields=[
            "is_featured",
            "is_hidden",
            "score",
            "teacher_comment",
            "scored_by",
            "scored_at",
        ]
    )
    return post


@transaction.atomic
def record_reading(
    *, course: Course, reading: Reading, student: Any, seconds: int = 0, finished: bool = False
) -> ReadingProgress:
    """Add time spent on a reading, and mark it read when the student says so or reaches its
    end. The time a page claims is capped by one ping's worth and, after the first, by the
    time that has really passed since the last one: pings sent in a burst add nothing."""
    now = timezone.now()
    progress, created = ReadingProgress.objects.select_for_update().get_or_create(
        course=course, reading=reading, student=student
    )
    elapsed = MAX_SECONDS_PER_PING if created else (now - progress.updated_at).total_seconds()
    progress.seconds_spent += max(0, min(seconds, MAX_SECONDS_PER_PING, int(elapsed)))
    if finished and not progress.is_read:
        progress.is_read, progress.read_at = True, now
    progress.save(update_fields=["seconds_spent", "is_read", "read_at", "updated_at"])
    return progress


# ---------------------------------------------------------------------------------------------
# Enrolling a class roster


@dataclass(frozen=True)
class RosterSummary:
    created: int
    enrolled: int
    updated: int
    unchanged: int
    skipped: int

    def __str__(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        return (
            f"{count(self.created, 'new user', 'new users')} created and enrolled, "
            f"{count(self.enrolled, 'existing user', 'existing users')} enrolled, "
            f"{count(self.updated, 'enrolment', 'enrolments')} updated, "
            f"{self.unchanged} already up to date, "
            f"{count(self.skipped, 'row', 'rows')} with errors skipped."
        )


def _is_administrator(by: Any) -> bool:
    return by is None or bool(getattr(by, "is_superuser", False))


def plan_course_roster(
    *, course: Course, rows: Sequence[roster.RosterRow], by: Any = None
) -> list[roster.PlannedRow]:
    """What enrol_roster would do with each row now (reads only; the rules are in
    courseware.roster.plan_roster).

    `by` is who uploads the roster (None: an administrator's import). For anyone but a
    superuser, rows name only accounts enrolled in a course `by` teaches: every other account
    is out of reach (never enrolled, never changed) and the plan says no more of it than that
    its username cannot be given to a new account; nobody is made a teacher."""
    usernames = {row.username.lower() for row in rows if row.username}
    emails = {row.email.lower() for row in rows if row.email}
    users = User.objects.annotate(lower_username=Lower("username"), lower_email=Lower("email"))
    if not _is_administrator(by):
        own = Enrollment.objects.filter(course__in=courses_taught(by)).values("user_id")
        users = users.filter(pk__in=own)
    accounts = [
        roster.Account(user.pk, user.username, user.email)
        for user in users.filter(Q(lower_username__in=usernames) | Q(lower_email__in=emails))
    ]
    taken: list[str] = []
    if not _is_administrator(by):
        taken = list(
            User.objects.annotate(lower_username=Lower("username"))
            .filter(lower_username__in=usernames)
            .exclude(pk__in=[a.id for a in accounts])
            .values_list("lower_username", flat=True)
        )
    memberships = [
        roster.Membership(
            e.user_id, e.role, e.section, e.sis_user_id, e.sis_login_id, e.canvas_user_id
        )
        for e in course.enrollments.all()
    ]
    return roster.plan_roster(
        rows,
        accounts=accounts,
        memberships=memberships,
        taken=taken,
        may_make_teachers=_is_administrator(by),
    )


@transaction.atomic
def enrol_roster(
    *, course: Course, rows: Sequence[roster.RosterRow], by: Any = None
) -> RosterSummary:
    """Enrol every row of a roster that has no error, in one transaction, as uploaded by `by`
    (see plan_course_roster: a teacher's roster reaches only their own courses' people).

    New people get an account with an unusable password (they sign in through the school's
    single sign-on, or a teacher sets a password); existing accounts are enrolled as they are,
    never changed. An enrolment already there gets the row's role, section and ids, but a blank
    cell erases nothing. Rows with errors are skipped and counted.
    """
    planned = plan_course_roster(course=course, rows=rows, by=by)
    new_users = []
    for item in planned:
        if item.action == roster.CREATE:
            row = item.row
            user = User(
                username=row.username,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
            )
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users)
    created = iter(new_users)
    enrolments = []
    for item in planned:
        if item.action == roster.CREATE:
            user_id = next(created).pk
        elif item.action == roster.ENROL and item.user is not None:
            user_id = item.user.id
        else:
            continue
        row = item.row
        enrolments.append(
            Enrollment(
                course=course,
                user_id=user_id,
                role=row.role or Enrollment.Role.STUDENT,
                section=row.section,
                sis_user_id=row.sis_user_id,
                sis_login_id=row.sis_login_id,
                canvas_user_id=row.canvas_user_id,
            )
        )
    Enrollment.objects.bulk_create(enrolments)
    updates = {
        item.user.id: item.changes for item in planned if item.action == roster.UPDATE and item.user
    }
    changed = list(course.enrollments.filter(user_id__in=updates))
    for enrolment in changed:
        for key, (_, new) in updates[enrolment.user_id].items():
            setattr(enrolment, key, new)
    Enrollment.objects.bulk_update(
        changed, ["role", "section", "sis_user_id", "sis_login_id", "canvas_user_id"]
    )
    teacher_ids = {e.user_id for e in [*enrolments, *changed] if e.role == Enrollment.Role.TEACHER}
    if teacher_ids and not _is_administrator(by):
        raise PermissionDenied("Only an administrator can make someone a teacher.")
    for teacher in User.objects.filter(pk__in=teacher_ids):
        make_teacher(teacher)

    def count(action: str) -> int:
        return sum(1 for item in planned if item.action == action)

    return RosterSummary(
        created=count(roster.CREATE),
        enrolled=count(roster.ENROL),
        updated=count(roster.UPDATE),
        unchanged=count(roster.UNCHANGED),
        skipped=count(roster.ERROR),
    )


# ---------------------------------------------------------------------------------------------
# Re-importing a source


def quote_models() -> list[type[Quote]]:
    """Every concrete citation model of every app (courseware cannot import the others)."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Quote)), key=lambda m: m._meta.label
    )


def _owner_lookups(model: type[Quote]) -> list[str]:
    """select_related paths to a citation's owner and the owner's own required parents, so
    listing citations by owner costs no query per row."""
    lookups = []
    for field in model._meta.fields:
        if field.many_to_one and field.name != "source":
            lookups.append(field.name)
            lookups.extend(
                f"{field.name}__{parent.name}"
                for parent in field.related_model._meta.fields  # type: ignore[union-attr]
                if parent.many_to_one and not parent.null
            )
    return lookups


@dataclass(frozen=True)
class CitationChange:
    quote: Quote
    relocation: Relocation
    is_protected: bool = False  # broken, and its owner says it must not be deleted

    @property
    def status(self) -> str:
        return self.relocation.status

    @property
    def is_blocking(self) -> bool:
        return self.status == BROKEN and self.is_protected


@dataclass(frozen=True)
class ReadingChange:
    """A reading that reads the source, and what the re-import does to its passages."""

    reading: Reading
    rows: list[ReadingPassage]
    passages: list[tuple[str, int]]  # courseware.reimport.remap_reading's answer
    removed: int
    added: int
    edited: int

    def __str__(self) -> str:
        parts = [
            f"{n} passage{'s' if n != 1 else ''} {what}"
            for n, what in (
                (self.removed, "removed"),
                (self.added, "added"),
                (self.edited, "edited"),
            )
            if n
        ]
        return ", ".join(parts)


@dataclass(frozen=True)
class ReimportPlan:
    """What re-importing a source's text would change; `reimport_source` applies it."""

    source: Source
    raw: bytes
    document: Document
    old_passages: list[Passage]
    mapping: dict[int, int]  # index among the old passages → index among the new ones
    citations: list[CitationChange]
    readings: list[ReadingChange]

    @property
    def is_same_file(self) -> bool:
        return hashlib.sha256(self.raw).hexdigest() == self.source.raw_sha256

    def with_status(self, status: str) -> list[CitationChange]:
        return [c for c in self.citations if c.status == status]

    @property
    def blocking(self) -> list[CitationChange]:
        return [c for c in self.citations if c.is_blocking]

    @property
    def passages_removed(self) -> list[Passage]:
        return [p for i, p in enumerate(self.old_passages) if i not in self.mapping]

    @property
    def passages_added(self) -> int:
        return len(self.document.blocks) - len(self.mapping)

    @property
    def passages_edited(self) -> int:
        blocks = self.document.blocks
        return sum(
            1 for i, j in self.mapping.items() if self.old_passages[i].text != blocks[j].text
        )


def plan_source_reimport(*, source: Source, data: bytes) -> ReimportPlan:
    """Clean the new text with the source's rules and work out, without writing anything,
    where every passage, reading and citation of the source would go.

    Raises ValidationError for a file that is not plain UTF-8 text.
    """
    try:
        document = ingest(decode(data), CleanRules.from_mapping(source.clean_rules or {}))
    except SourceFileError as error:
        raise ValidationError(str(error)) from error
    except ValueError as error:  # the stored cleaning rules no longer parse
        raise ValidationError(f"The source's cleaning rules are invalid: {error}") from error
    old = list(source.passages.order_by("position"))
    old_spans = [Span(p.start, p.end, p.text) for p in old]
    new_spans = [Span(b.start, b.end, b.text) for b in document.blocks]
    mapping = match_passages([p.text for p in old], [b.text for b in document.blocks])

    citations: list[CitationChange] = []
    for model in quote_models():
        rows = list(
            model.objects.filter(source=source)
            .select_related(*_owner_lookups(model))
            .order_by("pk")
        )
        placed = [
            (
                row,
                relocate(
                    exact=row.exact,
                    prefix=row.prefix,
                    suffix=row.suffix,
                    start=row.start,
                    end=row.end,
                    old_passages=old_spans,
                    new_text=document.text,
                    new_passages=new_spans,
                    mapping=mapping,
                ),
            )
            for row in rows
        ]
        broken = [row.pk for row, where in placed if where.status == BROKEN]
        protected = (
            set(
                model.protected_when_broken(model.objects.filter(pk__in=broken)).values_list(
                    "pk", flat=True
                )
            )
            if broken
            else set()
        )
        citations.extend(CitationChange(row, where, row.pk in protected) for row, where in placed)

    index = {p.pk: i for i, p in enumerate(old)}
    added = set(range(len(document.blocks))) - set(mapping.values())
    readings = []
    for reading in (
        Reading.objects.filter(reading_passages__passage__source=source)
        .distinct()
        .prefetch_related("reading_passages__passage")
    ):
        rows = list(reading.reading_passages.all())
        items = [index.get(row.passage_id) for row in rows]
        passages = remap_reading(items, mapping, added)
        mine = [i for i in items if i is not None]
        change = ReadingChange(
            reading=reading,
            rows=rows,
            passages=passages,
            removed=sum(1 for i in mine if i not in mapping),
            added=sum(1 for kind, _ in passages if kind == "add"),
            edited=sum(
                1 for i in mine if i in mapping and old[i].text != document.blocks[mapping[i]].text
            ),
        )
        if change.removed or change.added or change.edited:
            readings.append(change)
    return ReimportPlan(source, data, document, old, mapping, citations, readings)


@dataclass(frozen=True)
class ReimportResult:
    plan: ReimportPlan
    sent_back: list[Any]  # what the citations' owners sent back for review (questions…)


@transaction.atomic
def reimport_source(*, source: Source, data: bytes) -> ReimportResult:
    """Replace a source's text with a new version of it, keeping every citation valid.

    Passages are matched by text, so readings keep their passages (added ones that fall inside
    a stretch a reading reads whole join it). Citations that moved get their new offsets;
    citations that broke, or whose passage was edited, are handed to their model's
    `on_source_changed` (questions go back to draft), and the broken ones are deleted. If a
    citation that must not be deleted (`protected_when_broken`: a discussion post's evidence, a
    prompt's perspective, an answered question…) would break, nothing changes: ValidationError.
    """
    source = Source.objects.select_for_update().get(pk=source.pk)
    plan = plan_source_reimport(source=source, data=data)
    if plan.blocking:
        raise ValidationError(
            f"{len(plan.blocking)} citation(s) would no longer anchor in the new text and "
            "cannot be deleted; fix them first, or keep the words they quote."
        )
    if plan.is_same_file:
        return ReimportResult(plan, [])
    document = plan.document
    source.raw_sha256 = hashlib.sha256(data).hexdigest()
    source.raw_text = data.decode("utf-8-sig")
    source.text = document.text
    source.removed_lines = [
        {"line_no": r.line_no, "text": r.text, "reason": r.reason} for r in document.removed
    ]
    source.save(update_fields=["raw_sha256", "raw_text", "text", "removed_lines", "updated_at"])
    _write_reimported_passages(plan)

    sent_back: list[Any] = []
    for model in quote_models():
        changes = [c for c in plan.citations if type(c.quote) is model]
        span_fields = ["start", "end", "exact", "prefix", "suffix"]
        moved = []
        for change in changes:
            where, quote = change.relocation, change.quote
            new = {key: getattr(where, key) for key in span_fields}
            if where.status != BROKEN and any(getattr(quote, k) != v for k, v in new.items()):
                # A fresh row object: the plan's keeps the old place for the report.
                moved.append(model(pk=quote.pk, **new))
        model.objects.bulk_update(moved, span_fields)
        review = [c.quote.pk for c in changes if c.status in (BROKEN, EDITED)]
        if review:
            sent_back.extend(model.on_source_changed(model.objects.filter(pk__in=review)))
        model.objects.filter(pk__in=[c.quote.pk for c in changes if c.status == BROKEN]).delete()
    return ReimportResult(plan, sent_back)


def _write_reimported_passages(plan: ReimportPlan) -> None:
    old, blocks, mapping = plan.old_passages, plan.document.blocks, plan.mapping
    fields = ["position", "kind", "section", "text", "start", "end"]

    def values(j: int) -> dict[str, Any]:
        block = blocks[j]
        return {
            "position": j,
            "kind": block.kind,
            "section": block.section[:300],
            "text": block.text,
            "start": block.start,
            "end": block.end,
        }

    if len(old) == len(blocks) == len(mapping) and all(
        all(getattr(old[i], k) == v for k, v in values(j).items()) for i, j in mapping.items()
    ):
        return
    # Out of the way first, so that no two rows ever share a position (a unique constraint).
    plan.source.passages.update(position=F("position") + len(old) + len(blocks))
    Passage.objects.filter(pk__in=[p.pk for p in plan.passages_removed]).delete()
    # Fresh row objects: the plan's keep the old text for the report.
    kept = [Passage(pk=old[i].pk, source=plan.source, **values(j)) for i, j in mapping.items()]
    Passage.objects.bulk_update(kept, fields)
    created = {
        j: Passage(source=plan.source, **values(j))
        for j in range(len(blocks))
        if j not in set(mapping.values())
    }
    Passage.objects.bulk_create(created.values())
    for change in plan.readings:
        ids = [
            change.rows[value].passage_id if kind == "keep" else created[value].pk
            for kind, value in change.passages
        ]
        ReadingPassage.objects.filter(reading=change.reading).delete()
        ReadingPassage.objects.bulk_create(
            ReadingPassage(reading=change.reading, passage_id=pk, position=i)
            for i, pk in enumerate(ids)
        )
