"""Reading a course pack from `seeds/`: TOML in, plain dataclasses out (no database here).

Every error is a PackError that names the file, the item and what to do, because the person
reading it is a teacher editing TOML by hand.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings

from courseware.ingest import CleanRules, Document, QuoteError, anchor
from courseware.pack_translations import LANGUAGE_KEY, Translations, read_translations

SOURCES_FILE = "sources.toml"
COURSE_DIR = "course"
READINGS_FILE = f"{COURSE_DIR}/readings.toml"
PROMPTS_FILE = f"{COURSE_DIR}/prompts.toml"
TIMELINE_FILE = f"{COURSE_DIR}/timeline.toml"
OBJECTIVES_FILE = f"{COURSE_DIR}/objectives.toml"
COURSE_FILE = f"{COURSE_DIR}/course.toml"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
KINDS = ("analysis", "commentary", "news", "blog", "ai-summary", "other")


def translation_languages() -> tuple[str, ...]:
    """The languages a pack may give versions in: the site's, other than the pack's own."""
    return tuple(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


class PackError(Exception):
    def __init__(self, file: str, item: str, message: str) -> None:
        super().__init__(f"{file}, {item}: {message}")
        self.file, self.item, self.message = file, item, message


@dataclass(frozen=True)
class SourceSpec:
    slug: str
    file: str
    sha256: str
    title: str
    title_is_editorial: bool
    author: str
    publisher: str
    published: str
    kind: str
    url: str
    copied_from: str
    note: str
    rules: CleanRules
    rules_data: dict[str, Any]


@dataclass(frozen=True)
class ObjectiveSpec:
    code: str
    title: str
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class PartSpec:
    source: str
    first: str  # a quote inside the first passage of the range
    last: str  # a quote inside the last passage ("" = the range is the first passage alone)


@dataclass(frozen=True)
class CitationSpec:
    source: str
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class NoteSpec:
    title: str
    text: str
    citations: tuple[CitationSpec, ...]
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class ReadingSpec:
    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    parts: tuple[PartSpec, ...]
    notes: tuple[NoteSpec, ...] = ()
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class PerspectiveSpec:
    label: str
    summary: str
    citations: tuple[CitationSpec, ...]
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class PromptSpec:
    slug: str
    title: str
    question: str
    context: str
    objectives: tuple[str, ...]
    guiding_questions: tuple[str, ...]
    perspectives: tuple[PerspectiveSpec, ...]
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodSpec:
    title: str
    until: str
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class EventSpec:
    slug: str
    when: str
    sort: str
    title: str
    note: str
    citations: tuple[CitationSpec, ...]
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    description: str
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class Pack:
    root: Path
    sources: tuple[SourceSpec, ...]
    objectives: tuple[ObjectiveSpec, ...]
    readings: tuple[ReadingSpec, ...]
    course: CourseSpec
    prompts: tuple[PromptSpec, ...] = ()
    periods: tuple[PeriodSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()

    def raw_bytes(self, spec: SourceSpec) -> bytes:
        """The source file's bytes, refused unless they are exactly the ones recorded."""
        path = self.root / spec.file
        where = f"source {spec.slug!r}"
        if not path.is_file():
            raise PackError(SOURCES_FILE, where, f"file {spec.file} does not exist.")
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != spec.sha256:
            raise PackError(
                SOURCES_FILE,
                where,
                f"{spec.file} has sha256 {digest}, but sources.toml records {spec.sha256}. "
                "Sources must stay byte-identical to what was received: restore the file, or "
                "if the new bytes are intended, record the new sha256.",
            )
        return data


class Table:
    """Typed access to one TOML table, with errors that say where."""

    def __init__(
        self, data: object, file: str, item: str, allowed: set[str], translatable: bool = False
    ) -> None:
        if not isinstance(data, dict):
            raise PackError(file, item, "must be a table.")
        self.own = allowed
        if translatable:  # `es.title = "…"`: checked by translated()
            allowed = allowed | {k for k in data if LANGUAGE_KEY.match(k)}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise PackError(file, item, f"unknown key(s) {', '.join(unknown)}.")
        self.data, self.file, self.item = data, file, item

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise PackError(self.file, self.item, f"missing {key!r}.")
        if not isinstance(value, str):
            raise PackError(self.file, self.item, f"{key!r} must be a string.")
        return value.strip()

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise PackError(self.file, self.item, f"{key!r} must be true or false.")
        return value

    def number(self, key: str, default: int | None = None) -> int:
        value = self.data.get(key, default)
        if value is None:
            raise PackError(self.file, self.item, f"missing {key!r}.")
        if not isinstance(value, int) or isinstance(value, bool):
            raise PackError(self.file, self.item, f"{key!r} must be a whole number.")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise PackError(self.file, self.item, f"{key!r} must be a list.")
        return value

    def _fail(self, item: str, why: str) -> NoReturn:
        raise PackError(self.file, item, why)

    def translated(self, fields: dict[str, int | None], item: str | None = None) -> Translations:
        """The item's versions in other languages, `es.title = "…"` (an `es` table whose keys
        are some of `fields`). A field maps to None for text, or to the length of its list (a
        list field's version is a list of as many strings)."""
        item = item or self.item
        return read_translations(
            {k: v for k, v in self.data.items() if k not in self.own},
            fields,
            own_language=settings.LANGUAGE_CODE,
            languages=translation_languages(),
            fail=lambda why: self._fail(item, why),
        )


def read_toml(path: Path, root: Path) -> dict[str, Any]:
    name = str(path.relative_to(root))
    if not path.is_file():
        raise PackError(name, "file", "does not exist.")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PackError(name, "file", f"is not valid TOML: {error}.") from error


def check_unique(file: str, kind: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise PackError(file, f"{kind} {key!r}", "is defined twice; slugs must be unique.")
        seen.add(key)


def load_sources(root: Path) -> tuple[SourceSpec, ...]:
    data = read_toml(root / SOURCES_FILE, root)
    specs = []
    for index, raw in enumerate(data.get("source", []), start=1):
        item = f"source #{index}"
        table = Table(
            raw,
            SOURCES_FILE,
            item,
            {
                *("slug", "file", "sha256", "title", "title_is_editorial", "author"),
                *("publisher", "published", "kind", "url", "copied_from", "note", "clean"),
            },
        )
        slug = table.text("slug")
        item = f"source {slug!r}"
        kind = table.text("kind")
        if kind not in KINDS:
            raise PackError(SOURCES_FILE, item, f"kind {kind!r} is not one of {', '.join(KINDS)}.")
        rules_data = raw.get("clean", {})
        try:
            rules = CleanRules.from_mapping(rules_data)
        except ValueError as error:
            raise PackError(SOURCES_FILE, f"{item} [clean]", str(error)) from error
        specs.append(
            SourceSpec(
                slug=slug,
                file=table.text("file"),
                sha256=table.text("sha256").lower(),
                title=table.text("title"),
                title_is_editorial=table.flag("title_is_editorial", False),
                author=table.text("author", ""),
                publisher=table.text("publisher", ""),
                published=table.text("published", ""),
                kind=kind,
                url=table.text("url", ""),
                copied_from=table.text("copied_from", ""),
                note=" ".join(table.text("note", "").split()),
                rules=rules,
                rules_data=dict(rules_data),
            )
        )
    check_unique(SOURCES_FILE, "source", [s.slug for s in specs])
    return tuple(specs)


def parse_citations(
    value: object, file: str, item: str, known_sources: set[str]
) -> tuple[CitationSpec, ...]:
    """`citations = [{ source = "slug", quote = "exact words" }, …]` with optional prefix/suffix."""
    if not isinstance(value, list) or not value:
        raise PackError(
            file, item, 'needs citations = [{ source = "<slug>", quote = "<exact words>" }].'
        )
    citations = []
    for number, raw in enumerate(value, start=1):
        where = f"{item}, citation {number}"
        table = Table(raw, file, where, {"source", "quote", "prefix", "suffix"})
        source = table.text("source")
        if source not in known_sources:
            raise PackError(file, where, f"source {source!r} is not in {SOURCES_FILE}.")
        quote = table.text("quote")
        if not quote:
            raise PackError(file, where, "the quote is empty.")
        citations.append(
            CitationSpec(source, quote, table.text("prefix", ""), table.text("suffix", ""))
        )
    return tuple(citations)


def load_pack(root: Path) -> Pack:
    """Read sources.toml and course/*.toml; check their shape, not yet their quotes."""
    sources = load_sources(root)
    objectives = _load_objectives(root)
    known_objectives = {o.code for o in objectives}
    known_sources = {s.slug for s in sources}
    course = _load_course(root)
    readings = _load_readings(root, known_objectives, known_sources)
    periods, events = load_timeline(root, known_sources)
    return Pack(
        root=root,
        prompts=load_prompts(root, known_objectives, known_sources),
        periods=periods,
        events=events,
        sources=sources,
        objectives=objectives,
        readings=readings,
        course=course,
    )


def _load_objectives(root: Path) -> tuple[ObjectiveSpec, ...]:
    """objectives.toml: each objective's code (once each) and title."""
    objectives = []
    for index, raw in enumerate(read_toml(root / OBJECTIVES_FILE, root).get("objective", []), 1):
        table = Table(
            raw, OBJECTIVES_FILE, f"objective #{index}", {"code", "title"}, translatable=True
        )
        code = table.text("code")
        objectives.append(
            ObjectiveSpec(
                code=code,
                title=table.text("title"),
                translations=table.translated({"title": None}, f"objective {code!r}"),
            )
        )
    check_unique(OBJECTIVES_FILE, "objective", [o.code for o in objectives])
    return tuple(objectives)


def _load_course(root: Path) -> CourseSpec:
    """course.toml's [course] table."""
    course_data = read_toml(root / COURSE_FILE, root)
    course_table = Table(
        course_data.get("course"),
        COURSE_FILE,
        "[course]",
        {"slug", "title", "description"},
        translatable=True,
    )
    return CourseSpec(
        slug=course_table.text("slug"),
        title=course_table.text("title"),
        description=" ".join(course_table.text("description", "").split()),
        translations=course_table.translated({"title": None, "description": None}),
    )


def _load_readings(
    root: Path, known_objectives: set[str], known_sources: set[str]
) -> tuple[ReadingSpec, ...]:
    """readings.toml: each reading once, its objectives and sources known to the pack."""
    readings = [
        _reading_spec(raw, index, known_objectives, known_sources)
        for index, raw in enumerate(read_toml(root / READINGS_FILE, root).get("reading", []), 1)
    ]
    check_unique(READINGS_FILE, "reading", [r.slug for r in readings])
    return tuple(readings)


def _reading_spec(
    raw: Any, index: int, known_objectives: set[str], known_sources: set[str]
) -> ReadingSpec:
    """The `index`th (1-based) [[reading]] table: its objectives, parts (one or more) and notes."""
    readings_file = READINGS_FILE
    table = Table(
        raw,
        readings_file,
        f"reading #{index}",
        {"slug", "title", "summary", "objectives", "part", "note"},
        translatable=True,
    )
    slug = table.text("slug")
    item = f"reading {slug!r}"
    codes = tuple(table.items("objectives"))
    for code in codes:
        if code not in known_objectives:
            raise PackError(readings_file, item, f"objective {code!r} is not in {OBJECTIVES_FILE}.")
    parts = []
    for number, raw_part in enumerate(table.items("part"), start=1):
        part = Table(raw_part, readings_file, f"{item}, part {number}", {"source", "first", "last"})
        source = part.text("source")
        if source not in known_sources:
            raise PackError(
                readings_file,
                f"{item}, part {number}",
                f"source {source!r} is not in {SOURCES_FILE}.",
            )
        parts.append(PartSpec(source=source, first=part.text("first"), last=part.text("last", "")))
    if not parts:
        raise PackError(readings_file, item, "has no [[reading.part]]; a reading needs passages.")
    notes = []
    for number, raw_note in enumerate(table.items("note"), start=1):
        where = f"{item}, note {number}"
        note = Table(
            raw_note, readings_file, where, {"title", "text", "citations"}, translatable=True
        )
        notes.append(
            NoteSpec(
                title=note.text("title"),
                text=" ".join(note.text("text").split()),
                citations=parse_citations(
                    note.data.get("citations"), readings_file, where, known_sources
                ),
                translations=note.translated({"title": None, "text": None}),
            )
        )
    return ReadingSpec(
        slug=slug,
        title=table.text("title"),
        summary=" ".join(table.text("summary", "").split()),
        objectives=codes,
        parts=tuple(parts),
        notes=tuple(notes),
        translations=table.translated({"title": None, "summary": None}, item),
    )


def load_prompts(root: Path, objectives: set[str], sources: set[str]) -> tuple[PromptSpec, ...]:
    """prompts.toml (absent: no prompts): each prompt needs two perspectives or more, whose
    citations come from at least two different sources."""
    if not (root / PROMPTS_FILE).exists():
        return ()
    file = PROMPTS_FILE
    prompts = []
    for index, raw in enumerate(read_toml(root / file, root).get("prompt", []), 1):
        keys = {
            "id",
            "title",
            "question",
            "context",
            "objectives",
            "guiding_questions",
            "perspective",
        }
        table = Table(raw, file, f"prompt #{index}", keys, translatable=True)
        slug = table.text("id")
        item = f"prompt {slug!r}"
        codes = tuple(table.items("objectives"))
        if any(code not in objectives for code in codes):
            raise PackError(
                file, item, f"objectives must be codes from {COURSE_DIR}/objectives.toml."
            )
        perspectives = []
        for number, raw_perspective in enumerate(table.items("perspective"), start=1):
            where = f"{item}, perspective {number}"
            perspective = Table(
                raw_perspective, file, where, {"label", "summary", "citations"}, translatable=True
            )
            perspectives.append(
                PerspectiveSpec(
                    label=perspective.text("label"),
                    summary=" ".join(perspective.text("summary").split()),
                    citations=parse_citations(
                        perspective.data.get("citations"), file, where, sources
                    ),
                    translations=perspective.translated({"label": None, "summary": None}),
                )
            )
        if len(perspectives) < 2:
            raise PackError(file, item, "needs at least two [[prompt.perspective]] tables.")
        if len({c.source for p in perspectives for c in p.citations}) < 2:
            raise PackError(
                file, item, "its perspectives must cite at least two different sources."
            )
        guiding = tuple(str(q).strip() for q in table.items("guiding_questions"))
        prompts.append(
            PromptSpec(
                slug=slug,
                title=table.text("title"),
                question=" ".join(table.text("question").split()),
                context=" ".join(table.text("context", "").split()),
                objectives=codes,
                guiding_questions=guiding,
                perspectives=tuple(perspectives),
                translations=table.translated(
                    {
                        "title": None,
                        "question": None,
                        "context": None,
                        "guiding_questions": len(guiding),
                    },
                    item,
                ),
            )
        )
    check_unique(file, "prompt", [p.slug for p in prompts])
    return tuple(prompts)


def load_timeline(
    root: Path, sources: set[str]
) -> tuple[tuple[PeriodSpec, ...], tuple[EventSpec, ...]]:
    """timeline.toml (absent: no timeline): periods in order, and cited, dated events."""
    if not (root / TIMELINE_FILE).exists():
        return (), ()
    file = TIMELINE_FILE
    data = read_toml(root / file, root)
    periods = []
    for index, raw in enumerate(data.get("period", []), 1):
        table = Table(raw, file, f"period #{index}", {"title", "until"}, translatable=True)
        until = table.text("until", "")
        if until and not DATE.match(until):
            raise PackError(file, f"period {index}", "until must be YYYY, YYYY-MM or YYYY-MM-DD.")
        periods.append(
            PeriodSpec(
                title=table.text("title"),
                until=until,
                translations=table.translated({"title": None}),
            )
        )
    events = []
    for index, raw in enumerate(data.get("event", []), 1):
        table = Table(
            raw,
            file,
            f"event #{index}",
            {"id", "when", "sort", "title", "note", "citations"},
            translatable=True,
        )
        slug = table.text("id")
        item = f"event {slug!r}"
        sort = table.text("sort")
        if not DATE.match(sort):
            raise PackError(file, item, "sort must be YYYY, YYYY-MM or YYYY-MM-DD.")
        events.append(
            EventSpec(
                slug=slug,
                when=table.text("when"),
                sort=sort,
                title=table.text("title"),
                note=" ".join(table.text("note", "").split()),
                citations=parse_citations(raw.get("citations"), file, item, sources),
                translations=table.translated({"when": None, "title": None, "note": None}, item),
            )
        )
    check_unique(file, "event", [e.slug for e in events])
    return tuple(periods), tuple(events)


def part_blocks(document: Document, part: PartSpec, where: str) -> range:
    """The indices of the blocks a reading part covers, from its first quote to its last."""
    file = READINGS_FILE

    def block_at(quote: str, label: str, use_end: bool) -> int:
        try:
            found = anchor(document.text, quote)
        except QuoteError as error:
            raise PackError(file, f"{where} ({label})", str(error)) from error
        offset = found.end - 1 if use_end else found.start
        return next(i for i, b in enumerate(document.blocks) if b.start <= offset < b.end)

    first = block_at(part.first, "first", use_end=False)
    last = block_at(part.last, "last", use_end=True) if part.last else first
    if last < first:
        raise PackError(
            file, where, "its 'last' quote comes before its 'first' quote in the source."
        )
    return range(first, last + 1)
