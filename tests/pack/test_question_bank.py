"""The course pack's question bank, checked line by line against the item-writing rules.

Pure: reads seeds/ and anchors every citation in the cleaned sources, without the database.
The rules on patterns across the bank (true/false keys, correct-option counts, numeric
tolerance, the AI overview, the sources' disagreements, the themes a review found missing) are
functions of the bank that return what breaks them, so they can be run on any version of it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from functools import cache

import pytest

from courseware.ingest import QuoteError, anchor, decode, ingest
from courseware.pack import CitationSpec, ReadingSpec, load_pack
from quizzes.grading import KINDS
from quizzes.pack import QuestionSpec, load_questions, load_quizzes
from tests.conftest import SEEDS

# Words by which an explanation names each source (publisher or author).
SOURCE_NAMES = {
    "new-lines-militarization": ("New Lines",),
    "ellis-organized-crime": ("Ellis",),
    "leahy-ai-overview": ("Leahy", "blog", "AI overview"),
    "al-jazeera-guns": ("Al Jazeera",),
    "factually-drug-policy": ("Factually",),
}
BANNED_CHOICES = re.compile(r"\b(all|none|both) of the (above|these)\b", re.IGNORECASE)
SOURCE_JUDGING = "source-evaluation"


@cache
def pack():
    return load_pack(SEEDS)


@cache
def texts() -> dict[str, str]:
    return {s.slug: ingest(decode(pack().raw_bytes(s)), s.rules).text for s in pack().sources}


@cache
def bank() -> tuple[QuestionSpec, ...]:
    return load_questions(SEEDS, {o.code for o in pack().objectives})


def published() -> tuple[QuestionSpec, ...]:
    return tuple(q for q in bank() if q.status == "published")


def ids(kind: str | None = None) -> list[str]:
    return [q.key for q in bank() if kind is None or q.kind == kind]


def by_id(key: str) -> QuestionSpec:
    return next(q for q in bank() if q.key == key)


def cited_sources(question: QuestionSpec) -> set[str]:
    return {c.source for c in question.citations}


@pytest.mark.parametrize("key", ids())
def test_every_citation_anchors_exactly(key):
    for citation in by_id(key).citations:
        try:
            anchor(texts()[citation.source], citation.quote, citation.prefix, citation.suffix)
        except QuoteError as error:
            pytest.fail(f"{key}: {error}")


@pytest.mark.parametrize("key", ids())
def test_every_explanation_names_its_sources(key):
    question = by_id(key)
    for source in cited_sources(question):
        assert any(name in question.explanation for name in SOURCE_NAMES[source]), (key, source)


@pytest.mark.parametrize("key", ids("single") + ids("multiple"))
def test_choices_are_distinct_similar_in_length_and_each_has_feedback(key):
    choices = by_id(key).data["choices"]
    texts_ = [c["text"] for c in choices]
    assert len({t.casefold().strip() for t in texts_}) == len(texts_), key
    assert all(c.get("feedback", "").strip() for c in choices), key
    assert not any(BANNED_CHOICES.search(t) for t in texts_), key
    lengths = [len(t) for t in texts_]
    assert max(lengths) <= max(3 * min(lengths), min(lengths) + 25), (key, lengths)


@pytest.mark.parametrize("key", ids("true_false"))
def test_true_false_feedback_covers_both_answers(key):
    data = by_id(key).data
    assert data.get("feedback_true") and data.get("feedback_false"), key


def test_the_key_is_not_usually_the_longest_choice():
    questions = [by_id(k) for k in ids("single")]
    longest = 0
    for question in questions:
        choices = question.data["choices"]
        key = next(c for c in choices if c["correct"])
        longest += len(key["text"]) == max(len(c["text"]) for c in choices)
    assert longest <= len(questions) * 0.5, (
        f"the key is the longest choice in {longest} of {len(questions)}"
    )


def test_the_keys_position_varies():
    positions = Counter(
        [c["correct"] for c in by_id(k).data["choices"]].index(True) for k in ids("single")
    )
    assert len(positions) >= 3, positions
    assert max(positions.values()) <= 0.5 * sum(positions.values()), positions


def test_numeric_choices_do_not_give_the_key_away_by_sitting_in_the_middle():
    middle = total = 0
    for key in ids("single"):
        choices = by_id(key).data["choices"]
        values = []
        for choice in choices:
            number = re.fullmatch(r"[$]?([\d,.]+)\s*\w*%?", choice["text"].strip())
            if not number:
                break
            values.append((Decimal(number[1].replace(",", "")), choice["correct"]))
        else:
            total += 1
            ordered = [correct for _, correct in sorted(values)]
            middle += ordered.index(True) not in (0, len(ordered) - 1)
    assert total == 0 or middle <= max(1, total // 2), f"key in the middle in {middle} of {total}"


def test_ordering_and_matching_questions_have_enough_parts():
    for key in ids("ordering"):
        assert 3 <= len(by_id(key).data["items"]) <= 6, key
    for key in ids("matching"):
        assert 3 <= len(by_id(key).data["pairs"]) <= 6, key


def test_every_quiz_question_exists_and_quizzes_have_8_to_15_questions():
    quizzes = load_quizzes(SEEDS, set(ids()), {r.slug for r in pack().readings})
    for quiz in quizzes:
        if quiz.reading:
            assert 8 <= len(quiz.slots) <= 15, (quiz.slug, len(quiz.slots))
    unit = [q for q in quizzes if not q.reading]
    assert unit, "a cumulative quiz"
    covered = {o for slot in unit[0].slots for o in by_id(slot.question).objectives}
    assert covered == {o.code for o in pack().objectives}
    unpublished = [
        (quiz.slug, slot.question)
        for quiz in quizzes
        for slot in quiz.slots
        if by_id(slot.question).status != "published"
    ]
    assert unpublished == []


def test_the_bank_meets_the_course_pack_numbers():
    questions = published()
    assert len(questions) >= 150
    kinds = Counter(q.kind for q in questions)
    assert all(kinds[k] >= 10 for k in KINDS), kinds
    sources = Counter(s for q in questions for s in cited_sources(q))
    assert all(sources[s] >= 15 for s in SOURCE_NAMES), sources
    objectives = Counter(o for q in questions for o in q.objectives)
    assert all(objectives[o.code] >= 12 for o in pack().objectives), objectives
    assert sum(SOURCE_JUDGING in q.objectives for q in questions) >= 12
    tags = Counter(t for q in questions for t in q.tags)
    assert tags["disagreement"] + tags["as-of-date"] >= 8, tags
    assert sum(q.kind == "ordering" and "timeline" in q.tags for q in questions) >= 10, tags


@pytest.mark.parametrize(
    "key", [q.key for q in bank() if {"disagreement", "as-of-date"} & set(q.tags)]
)
def test_disagreements_cite_both_sides_and_say_so(key):
    question = by_id(key)
    if "disagreement" in question.tags:
        assert len(question.citations) >= 2, key
        assert re.search(r"disagree|differ|contradict", question.explanation, re.I), key
    else:
        assert re.search(r"as of|at the time|in \d{4}|by \d{4}", question.explanation), key


# ---------------------------------------------------------------------------------------------
# Patterns across the bank. Each rule takes the published questions (and, where it anchors
# quotes, the cleaned texts and the readings) and returns what breaks it; an empty list passes.
# A blind review of the first bank found each pattern: every true/false item claiming that two
# sources "say the same" or that "one must be wrong" keyed False; 13 of 22 multiple-response
# items with 3 of 4 options correct; rounded figures ("some 83,000", "over 75,000") asked with
# zero tolerance; 13 questions resting on the unsourced AI overview alone; the gun-store
# disagreement asked only "according to Al Jazeera"; whole themes never asked.

AI_OVERVIEW = "leahy-ai-overview"
# A true/false stem that sets two sources (or two statements) side by side.
COMPARING = re.compile(
    r"\bthe same\b|\bmust be wrong\b|\bboth\b.*\b(can|could)\b|\bagree|\bcontradict|\bdiffer",
    re.IGNORECASE,
)
# A number the text rounds or bounds: "some 83,000", "over 75,000", "approximately 2 percent".
HEDGE_BEFORE = re.compile(
    r"\b(about|approximately|around|roughly|some|nearly|almost|over|more than|at least"
    r"|up to|fewer than|less than|under)\s+(USD\s+)?\$?$",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d[\d,]*(\.\d+)?|\b[a-z]+\b")
# Numbers the sources write in words ("six cartels", "twenty people"); "one-third" is not one.
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
NUMBER_WORDS |= {"eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "fifty": 50}
# What an explanation says of a claim that rests on the AI overview alone.
UNSOURCED = re.compile(
    r"unsourced|names? no source|no source is named|cites no source|gives no source",
    re.IGNORECASE,
)
MISATTRIBUTED = re.compile(r"\bLeahy (says|writes|reports|claims|notes|argues)\b")
# A reading note on a disagreement: some question must make students weigh it.
DISAGREEING_NOTE = re.compile(r"disagree|differ", re.IGNORECASE)
# Themes a review found missing: for each, one published question must cite words overlapping
# every (source, words) pair listed.
THEMES: dict[str, tuple[tuple[str, str], ...]] = {
    "Ellis's accelerants: COVID-19 and inflation after the invasion of Ukraine": (
        ("ellis-organized-crime", "COVID-19 and the inflationary effects of Russia’s invasion"),
        ("ellis-organized-crime", "increased the number of people in need, expanding recruitment"),
    ),
    "criminal groups handing out food boxes and enforcing curfews": (
        ("ellis-organized-crime", "Such groups occasionally provided food boxes and other aid"),
    ),
    "cartels courting support through social media and disaster aid": (
        (AI_OVERVIEW, "win public support through social media campaigns and providing aid"),
    ),
    "privacy concerns about Mexico's 2025 intelligence law": (
        (AI_OVERVIEW, "has raised concerns about potential privacy abuses"),
    ),
    "the attacks after El Mencho's death, against Factually's warning on removing leaders": (
        ("al-jazeera-guns", "armed cartel members launched coordinated attacks on highways"),
        (
            "factually-drug-policy",
            "Arresting or killing leaders has sometimes produced fragmentation",
        ),
    ),
    "Smith's political expediency of blaming Latin Americans": (
        ("al-jazeera-guns", "the political expediency of blaming Latin Americans"),
    ),
    "Ellis: the U.S. should act on criminal groups on its own side of the border": (
        ("ellis-organized-crime", "acknowledge the operation of criminal groups on its side"),
    ),
    "Ellis: the drug crisis that killed 108,000 Americans": (
        ("ellis-organized-crime", "The drug crisis that killed 108,000 Americans last year"),
    ),
}
SOVEREIGNTY_QUESTIONS = 5


def true_false_key_problems(questions: Sequence[QuestionSpec]) -> list[str]:
    """Neither key may dominate: overall 35–65 % True; among stems comparing two sources or
    statements, both keys present and neither above two thirds."""
    problems = []
    every = [q for q in questions if q.kind == "true_false"]
    comparing = [q for q in every if COMPARING.search(q.stem)]
    for label, group, share in (("all", every, 0.65), ("comparing", comparing, 2 / 3)):
        keys = Counter(bool(q.data["answer"]) for q in group)
        if group and max(keys[True], keys[False]) > share * len(group):
            problems.append(f"{label} true/false stems: {dict(keys)} of {len(group)}")
        if label == "comparing" and len(group) >= 3 and len(keys) < 2:
            problems.append(f"comparing stems all keyed {next(iter(keys))}")
    return problems


def correct_option_problems(questions: Sequence[QuestionSpec]) -> list[str]:
    """Multiple-response items mix how many options are right: no one shape (k of n) in more
    than 40 % of them, 'all but one' in at most 40 %, exactly one right in at least 10 %, and
    at least three different numbers right."""
    shapes = [
        (sum(bool(c["correct"]) for c in q.data["choices"]), len(q.data["choices"]))
        for q in questions
        if q.kind == "multiple"
    ]
    if not shapes:
        return []
    problems = []
    (shape, most), *_ = Counter(shapes).most_common(1)
    if most > 0.4 * len(shapes):
        problems.append(f"{most} of {len(shapes)} have {shape[0]} of {shape[1]} right")
    all_but_one = sum(k == n - 1 for k, n in shapes)
    if all_but_one > 0.4 * len(shapes):
        problems.append(f"{all_but_one} of {len(shapes)} have all but one option right")
    if sum(k == 1 for k, _ in shapes) < 0.1 * len(shapes):
        problems.append("fewer than 10 % have exactly one option right")
    if len({k for k, _ in shapes}) < 3:
        problems.append(f"only {sorted({k for k, _ in shapes})} options right, never another")
    return problems


def numeric_tolerance_problems(questions: Sequence[QuestionSpec]) -> list[str]:
    """A numeric answer needs a tolerance (or a range) when the cited text rounds or bounds it
    ("some 83,000", "over 75,000") or does not give it as a number at all ("one-third")."""
    problems = []
    for question in questions:
        data = question.data
        if question.kind != "numeric" or "min" in data or Decimal(data.get("tolerance", 0)):
            continue
        answer = Decimal(str(data["answer"]))
        places = [
            (citation.quote, match)
            for citation in question.citations
            for match in NUMBER.finditer(citation.quote)
            if as_number(match[0]) == answer
        ]
        if not places:
            problems.append(f"{question.key}: {answer} is not in its citations as a number")
        elif any(HEDGE_BEFORE.search(quote[: match.start()]) for quote, match in places):
            problems.append(f"{question.key}: the text rounds {answer}, the tolerance is 0")
    return problems


def as_number(word: str) -> Decimal | None:
    if word[0].isdigit():
        return Decimal(word.replace(",", ""))
    return Decimal(NUMBER_WORDS[word]) if word in NUMBER_WORDS else None


def ai_overview_problems(questions: Sequence[QuestionSpec], most: int = 8) -> list[str]:
    """The AI overview is named as such wherever it is cited, never as its poster's words; a
    question resting on it alone says so in its stem and calls it unsourced in its explanation,
    and few questions rest on it alone."""
    problems = []
    alone = []
    for question in questions:
        sources = cited_sources(question)
        words = f"{question.stem} {question.explanation}"
        if MISATTRIBUTED.search(words):
            problems.append(f"{question.key}: attributes the overview to its poster")
        if AI_OVERVIEW not in sources:
            continue
        if "AI overview" not in words:
            problems.append(f"{question.key}: cites the overview without calling it one")
        if sources == {AI_OVERVIEW}:
            alone.append(question.key)
            if "AI overview" not in question.stem:
                problems.append(f"{question.key}: rests on the overview, its stem does not say so")
            if not UNSOURCED.search(question.explanation):
                problems.append(f"{question.key}: rests on the overview, not called unsourced")
    if len(alone) > most:
        problems.append(f"{len(alone)} questions rest on the AI overview alone (at most {most})")
    return problems


def span(texts_: dict[str, str], citation: CitationSpec) -> tuple[str, int, int]:
    found = anchor(texts_[citation.source], citation.quote, citation.prefix, citation.suffix)
    return citation.source, found.start, found.end


def overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def cites(question: QuestionSpec, texts_: dict[str, str], place: tuple[str, int, int]) -> bool:
    return any(overlaps(span(texts_, c), place) for c in question.citations)


def disagreement_problems(
    questions: Sequence[QuestionSpec], texts_: dict[str, str], readings: Sequence[ReadingSpec]
) -> list[str]:
    """Every reading note on a disagreement between sources is asked by a question tagged
    "disagreement" that cites both sides and does not take one side's word ("According to…")."""
    problems = []
    for note in (n for r in readings for n in r.notes if DISAGREEING_NOTE.search(n.title)):
        sides = [span(texts_, c) for c in note.citations]
        asked = [
            q
            for q in questions
            if "disagreement" in q.tags
            and not q.stem.startswith("According to")
            and all(cites(q, texts_, side) for side in sides)
        ]
        if not asked:
            problems.append(f"no question weighs the note {note.title!r}")
    return problems


def theme_problems(questions: Sequence[QuestionSpec], texts_: dict[str, str]) -> list[str]:
    """Each missing theme is asked by one question citing all its parts; sovereignty, a course
    theme, is in the stem or explanation of at least five questions."""
    problems = []
    for theme, parts in THEMES.items():
        places = [span(texts_, CitationSpec(source, words)) for source, words in parts]
        if not any(all(cites(q, texts_, place) for place in places) for q in questions):
            problems.append(theme)
    sovereignty = sum("sovereignty" in f"{q.stem} {q.explanation}".lower() for q in questions)
    if sovereignty < SOVEREIGNTY_QUESTIONS:
        problems.append(f"sovereignty: {sovereignty} questions (at least {SOVEREIGNTY_QUESTIONS})")
    return problems


def test_true_false_keys_are_balanced_overall_and_when_comparing_sources():
    assert true_false_key_problems(published()) == []


def test_multiple_response_items_vary_how_many_options_are_right():
    assert correct_option_problems(published()) == []


def test_numeric_answers_have_a_tolerance_where_the_source_rounds():
    assert numeric_tolerance_problems(published()) == []


def test_the_ai_overview_is_named_as_such_and_few_questions_rest_on_it_alone():
    assert ai_overview_problems(published()) == []


def test_every_disagreement_note_is_weighed_by_a_question_citing_both_sides():
    assert disagreement_problems(published(), texts(), pack().readings) == []


def test_the_themes_the_review_found_missing_are_asked():
    assert theme_problems(published(), texts()) == []
