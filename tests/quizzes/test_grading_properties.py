"""Properties of grading that must hold for every valid question and every answer value."""

from __future__ import annotations

import copy
import string
from decimal import Decimal as D
from decimal import localcontext
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.grading import (
    KINDS,
    MAX_NUMBER_TEXT,
    MAX_TEXT,
    SCORINGS,
    AnswerError,
    correct_answer_text,
    feedback_for,
    grade,
    parse_answer,
    shuffled,
    validate_spec,
)
from quizzes.short_answers import ARTICLES, normalised

Spec = tuple[str, dict[str, Any]]

# Ids as teachers and the course pack write them, plus a few characters that must not matter.
ids = st.text(alphabet=string.ascii_letters + string.digits + "-_.é ", min_size=1, max_size=6)
ids = ids.filter(lambda text: bool(text.strip()))


def _texts(count: int) -> st.SearchStrategy[list[str]]:
    # A distinct number in front keeps texts apart however the rest is drawn.
    return st.lists(st.text(max_size=15), min_size=count, max_size=count).map(
        lambda tails: [f"{n}. {tail}" for n, tail in enumerate(tails)]
    )


@st.composite
def choice_specs(draw: st.DrawFn, kind: str) -> Spec:
    count = draw(st.integers(2, 7))
    choice_ids = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    texts = draw(_texts(count))
    if kind == "single":
        right = {draw(st.integers(0, count - 1))}
    else:
        how_many = draw(st.integers(1, count - 1))
        right = set(draw(st.permutations(range(count)))[:how_many])
    choices = []
    for n in range(count):
        choice: dict[str, Any] = {"id": choice_ids[n], "text": texts[n], "correct": n in right}
        if draw(st.booleans()):
            choice["feedback"] = draw(st.text(max_size=10))
        choices.append(choice)
    return kind, {"choices": choices}


@st.composite
def true_false_specs(draw: st.DrawFn) -> Spec:
    data: dict[str, Any] = {"answer": draw(st.booleans())}
    for key in ("feedback_true", "feedback_false"):
        if draw(st.booleans()):
            data[key] = draw(st.text(max_size=10))
    return "true_false", data


numbers = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    st.decimals(-(10**9), 10**9, places=3, allow_nan=False, allow_infinity=False),
)


@st.composite
def numeric_specs(draw: st.DrawFn) -> Spec:
    data: dict[str, Any]
    if draw(st.booleans()):
        data = {"answer": draw(numbers)}
        if draw(st.booleans()):
            data["tolerance"] = abs(draw(numbers))
    else:
        # Sorted as validate_spec reads them (a float as its shortest decimal spelling).
        low, high = sorted([draw(numbers), draw(numbers)], key=_spec_value)
        data = {"min": low, "max": high}
    if draw(st.booleans()):
        data["unit"] = draw(st.sampled_from(["rounds", "people", "%", ""]))
    return "numeric", data


# Any text with a letter in it normalises to something, so it is a valid accepted answer.
accepted_answers = st.builds(
    lambda head, letter, tail: head + letter + tail,
    st.text(max_size=10),
    st.sampled_from("aZñÉßx7"),
    st.text(max_size=10),
)


# A teacher's pattern: words, "word*", "*" and bracketed phrases, with at least one word
# every answer must have (quizzes.short_answers refuses the others).
pattern_words = st.text(alphabet="abcñé", min_size=1, max_size=4)
pattern_parts = st.one_of(
    pattern_words,
    pattern_words.map(lambda word: f"{word}*"),
    st.just("*"),
    st.lists(st.one_of(st.just(""), pattern_words), min_size=1, max_size=3)
    .filter(any)
    .map(lambda phrases: "(" + "|".join(phrases) + ")"),
)
patterns = st.builds(
    lambda head, parts: " ".join([head, *parts]),
    pattern_words.filter(lambda word: normalised(word) not in ARTICLES),
    st.lists(pattern_parts, max_size=4),
)


@st.composite
def short_specs(draw: st.DrawFn) -> Spec:
    data: dict[str, Any] = {"accepted": draw(st.lists(accepted_answers, min_size=1, max_size=4))}
    if draw(st.booleans()):
        data["patterns"] = draw(st.lists(patterns, max_size=3))
    return "short", data


@st.composite
def ordering_specs(draw: st.DrawFn) -> Spec:
    count = draw(st.integers(2, 8))
    item_ids = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    texts = draw(_texts(count))
    return "ordering", {
        "items": [{"id": i, "text": t} for i, t in zip(item_ids, texts, strict=True)]
    }


@st.composite
def matching_specs(draw: st.DrawFn) -> Spec:
    count = draw(st.integers(2, 6))
    extra = draw(st.integers(0, 3))
    all_ids = draw(st.lists(ids, min_size=count + extra, max_size=count + extra, unique=True))
    lefts, rights = draw(_texts(count)), draw(_texts(count + extra))
    data: dict[str, Any] = {
        "pairs": [{"id": all_ids[n], "left": lefts[n], "right": rights[n]} for n in range(count)]
    }
    if extra or draw(st.booleans()):
        data["distractors"] = [
            {"id": all_ids[n], "text": rights[n]} for n in range(count, count + extra)
        ]
    return "matching", data


specs = st.one_of(
    choice_specs("single"),
    choice_specs("multiple"),
    true_false_specs(),
    numeric_specs(),
    short_specs(),
    ordering_specs(),
    matching_specs(),
)

# Anything JSON could hold, and a little that it could not.
junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=20)
    | st.sampled_from(["", "true", "a", "0", "NaN", "1e3", "137,000"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
max_points = st.decimals(D("0.01"), D("1000"), places=2)


def _ids_of(kind: str, data: dict[str, Any]) -> list[str]:
    if kind in ("single", "multiple"):
        return [choice["id"] for choice in data["choices"]]
    if kind == "ordering":
        return [item["id"] for item in data["items"]]
    if kind == "matching":
        return [pair["id"] for pair in data["pairs"]]
    return []


def _option_ids(data: dict[str, Any]) -> list[str]:
    return [pair["id"] for pair in data["pairs"]] + [
        option["id"] for option in data.get("distractors", [])
    ]


def _spec_value(number: Any) -> D:
    return D(repr(number)) if isinstance(number, float) else D(number)


def _number_text(number: Any) -> str:
    return f"{_spec_value(number):f}"


@st.composite
def plausible_answers(draw: st.DrawFn, kind: str, data: dict[str, Any]) -> Any:
    """Answers of the right shape, right or wrong, like parse_answer produces."""
    keys = _ids_of(kind, data)
    if kind == "single":
        return draw(st.sampled_from(keys))
    if kind == "multiple":
        return sorted(draw(st.sets(st.sampled_from(keys))))
    if kind == "true_false":
        return draw(st.booleans())
    if kind == "numeric":
        return draw(st.one_of(numbers.map(_number_text), st.text(max_size=12)))
    if kind == "short":
        return draw(st.one_of(st.sampled_from(data["accepted"]), st.text(max_size=20)))
    if kind == "ordering":
        return draw(st.dictionaries(st.sampled_from(keys), st.integers(-3, len(keys) + 3)))
    return draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(_option_ids(data))))


@st.composite
def correct_answers(draw: st.DrawFn, kind: str, data: dict[str, Any]) -> Any:
    if kind == "single":
        return next(c["id"] for c in data["choices"] if c["correct"])
    if kind == "multiple":
        return sorted(c["id"] for c in data["choices"] if c["correct"])
    if kind == "true_false":
        return data["answer"]
    if kind == "numeric":
        if "answer" in data:
            centre, spread = _spec_value(data["answer"]), _spec_value(data.get("tolerance", 0))
            # Exact sums: the default 28 digits could round an edge just outside the range.
            with localcontext(prec=1000):
                value = draw(st.sampled_from([centre, centre - spread, centre + spread]))
        else:
            value = _spec_value(draw(st.sampled_from([data["min"], data["max"]])))
        # Either spelling a student might type, with or without thousands separators.
        return draw(st.sampled_from([f"{value:f}", f"{value:,f}", f" {value:f} "]))
    if kind == "short":
        return draw(st.sampled_from(data["accepted"])) + draw(st.sampled_from(["", ".", " ", "!"]))
    if kind == "ordering":
        return {item["id"]: n + 1 for n, item in enumerate(data["items"])}
    return {pair["id"]: pair["id"] for pair in data["pairs"]}


def _correct_form(kind: str, data: dict[str, Any], answer: Any) -> dict[str, list[str]]:
    if kind == "multiple":
        return {"answer": list(answer)}
    if kind == "true_false":
        return {"answer": ["true" if answer else "false"]}
    if kind == "ordering":
        return {f"position-{key}": [str(value)] for key, value in answer.items()}
    if kind == "matching":
        return {f"match-{key}": [value] for key, value in answer.items()}
    return {"answer": [answer]}


def _check_result(result: Any, limit: D) -> None:
    assert D(0) <= result.points <= limit
    assert result.points.as_tuple().exponent == -2
    assert result.max_points == limit
    if result.points == limit:
        assert result.outcome == "correct"
    elif result.points == 0:
        assert result.outcome == "incorrect"
    else:
        assert result.outcome == "partial"
    assert all(isinstance(key, str) and isinstance(v, bool) for key, v in result.parts.items())


def _expected_parts(kind: str, data: dict[str, Any]) -> list[str]:
    if kind in ("single", "multiple", "matching"):
        return _ids_of(kind, data)
    if kind == "ordering":
        keys = _ids_of(kind, data)
        return [f"{a}<{b}" for n, a in enumerate(keys) for b in keys[n + 1 :]]
    return ["answer"]


@given(specs)
def test_generated_specs_are_valid(spec: Spec) -> None:
    validate_spec(*spec)
    assert spec[0] in KINDS


@settings(max_examples=300, deadline=None)
@given(specs, st.data(), max_points, st.sampled_from(SCORINGS))
def test_any_answer_value_grades_without_raising_within_bounds(
    spec: Spec, data: st.DataObject, limit: D, scoring: str
) -> None:
    kind, question = spec
    answer = data.draw(st.one_of(plausible_answers(kind, question), junk), label="answer")
    result = grade(kind, question, answer, max_points=limit, multiple_scoring=scoring)
    _check_result(result, limit)
    assert list(result.parts) == _expected_parts(kind, question)


@settings(max_examples=300, deadline=None)
@given(specs, st.data(), max_points, st.sampled_from(SCORINGS))
def test_the_correct_answer_always_gets_full_marks(
    spec: Spec, data: st.DataObject, limit: D, scoring: str
) -> None:
    kind, question = spec
    answer = data.draw(correct_answers(kind, question), label="answer")
    result = grade(kind, question, answer, max_points=limit, multiple_scoring=scoring)
    assert (result.points, result.outcome) == (limit, "correct")
    assert all(result.parts.values())


@settings(max_examples=200, deadline=None)
@given(specs, st.data())
def test_the_correct_answer_typed_into_the_form_gets_full_marks(
    spec: Spec, data: st.DataObject
) -> None:
    kind, question = spec
    answer = data.draw(correct_answers(kind, question), label="answer")
    form = _correct_form(kind, question, answer)
    # A person can type a number of at most MAX_NUMBER_TEXT characters (a longer one is
    # refused with a message, tests/quizzes/test_answers.py); some drawn correct numbers
    # (a tiny float written out) are longer.
    assume(kind != "numeric" or len(form["answer"][0].strip()) <= MAX_NUMBER_TEXT)
    parsed = parse_answer(kind, question, form)
    assert grade(kind, question, parsed).outcome == "correct"


@settings(max_examples=200, deadline=None)
@given(specs, st.data(), st.sampled_from(SCORINGS))
def test_full_marks_exactly_when_every_part_is_right(
    spec: Spec, data: st.DataObject, scoring: str
) -> None:
    # With at least 0.02 points there is room for partial marks, so nothing partly right
    # can be rounded to full marks.
    kind, question = spec
    answer = data.draw(st.one_of(plausible_answers(kind, question), junk), label="answer")
    result = grade(kind, question, answer, max_points=D("0.02"), multiple_scoring=scoring)
    assert (result.outcome == "correct") == all(result.parts.values())


@settings(max_examples=200, deadline=None)
@given(choice_specs("multiple"), st.data(), max_points)
def test_all_or_nothing_never_gives_more_than_either_partial_credit_rule(
    spec: Spec, data: st.DataObject, limit: D
) -> None:
    kind, question = spec
    answer = data.draw(plausible_answers(kind, question), label="answer")
    strict = grade(kind, question, answer, max_points=limit, multiple_scoring="all_or_nothing")
    for scoring in ("proportional", "right_minus_wrong"):
        assert (
            strict.points
            <= grade(kind, question, answer, max_points=limit, multiple_scoring=scoring).points
        )


def _choice_ids(question: dict[str, Any], correct: bool) -> list[str]:
    return [c["id"] for c in question["choices"] if c["correct"] is correct]


@settings(max_examples=200, deadline=None)
@given(choice_specs("multiple"), max_points)
def test_right_minus_wrong_gives_nothing_for_every_box_or_none_and_all_for_the_key(
    spec: Spec, limit: D
) -> None:
    kind, question = spec
    every = [c["id"] for c in question["choices"]]
    key = _choice_ids(question, True)
    assert grade(kind, question, every, max_points=limit).points == 0
    assert grade(kind, question, [], max_points=limit).points == 0
    assert grade(kind, question, key, max_points=limit).points == limit


@settings(max_examples=300, deadline=None)
@given(choice_specs("multiple"), st.data())
def test_right_minus_wrong_is_the_share_right_minus_the_share_wrong(
    spec: Spec, data: st.DataObject
) -> None:
    kind, question = spec
    right, wrong = _choice_ids(question, True), _choice_ids(question, False)
    picked_right = data.draw(st.lists(st.sampled_from(right), unique=True), label="right")
    picked_wrong = data.draw(st.lists(st.sampled_from(wrong), unique=True), label="wrong")
    share = Fraction(len(picked_right), len(right)) - Fraction(len(picked_wrong), len(wrong))
    points = grade(kind, question, picked_right + picked_wrong, max_points=D(100)).points
    # Of 100 points, the share in hundredths, rounded half up, never below 0 (and a partly
    # right answer is never rounded to 0 or 100).
    expected = max(Fraction(0), share) * 100
    assert abs(Fraction(points) - expected) <= Fraction(1, 200)


@settings(max_examples=300, deadline=None)
@given(choice_specs("multiple"), st.data(), st.sampled_from(SCORINGS))
def test_one_more_right_pick_never_lowers_and_one_more_wrong_pick_never_raises(
    spec: Spec, data: st.DataObject, scoring: str
) -> None:
    kind, question = spec
    every = [c["id"] for c in question["choices"]]
    picked = data.draw(st.lists(st.sampled_from(every), unique=True), label="picked")
    left = [choice for choice in every if choice not in picked]
    assume(left)
    extra = data.draw(st.sampled_from(left), label="extra")
    before = grade(kind, question, picked, multiple_scoring=scoring).points
    after = grade(kind, question, [*picked, extra], multiple_scoring=scoring).points
    if extra in _choice_ids(question, True):
        assert after >= before
    else:
        assert after <= before


form_values = st.lists(
    st.one_of(
        st.just(""),
        st.text(max_size=8),
        st.text(alphabet="0123456789,. -", max_size=10),
        st.sampled_from(["true", "false", "1", "2", "x1", "a", "137,000", "NaN", "１"]),
        st.text(min_size=MAX_TEXT - 2, max_size=MAX_TEXT + 2, alphabet="ab"),
    ),
    max_size=4,
)


@st.composite
def forms(draw: st.DrawFn, kind: str, data: dict[str, Any]) -> dict[str, list[str]]:
    keys = _ids_of(kind, data) + (_option_ids(data) if kind == "matching" else [])
    names = st.one_of(
        st.just("answer"),
        st.sampled_from(["csrfmiddlewaretoken", "sequence", "position-", "match-"]),
        st.sampled_from(keys or ["a"]).map(lambda key: f"position-{key}"),
        st.sampled_from(keys or ["a"]).map(lambda key: f"match-{key}"),
        st.text(max_size=10),
    )
    values = st.one_of(
        form_values,
        st.lists(st.sampled_from(keys or ["a"]), max_size=3),
        st.lists(st.integers(0, 9).map(str), max_size=2),
    )
    return draw(st.dictionaries(names, values, max_size=6))


@settings(max_examples=400, deadline=None)
@given(specs, st.data())
def test_parse_answer_returns_a_gradable_answer_or_raises_answer_error(
    spec: Spec, data: st.DataObject
) -> None:
    kind, question = spec
    form = data.draw(forms(kind, question), label="form")
    try:
        answer = parse_answer(kind, question, form)
    except AnswerError as error:
        assert str(error).endswith(".")
        return
    # What parse_answer returns is stored as JSON: it must survive that and still grade.
    assert answer is None or isinstance(answer, str | bool | list | dict)
    _check_result(grade(kind, question, copy.deepcopy(answer)), D(1))
    if answer is None:
        assert grade(kind, question, answer).outcome == "incorrect"
    assert isinstance(feedback_for(kind, question, answer), list)


@settings(max_examples=200, deadline=None)
@given(specs, st.data(), max_points, st.sampled_from(SCORINGS))
def test_grading_is_deterministic_and_changes_nothing(
    spec: Spec, data: st.DataObject, limit: D, scoring: str
) -> None:
    kind, question = spec
    answer = data.draw(st.one_of(plausible_answers(kind, question), junk), label="answer")
    before = (copy.deepcopy(question), copy.deepcopy(answer))
    first = grade(kind, question, answer, max_points=limit, multiple_scoring=scoring)
    second = grade(
        kind,
        copy.deepcopy(question),
        copy.deepcopy(answer),
        max_points=limit,
        multiple_scoring=scoring,
    )
    assert first == second
    assert (question, repr(answer)) == (before[0], repr(before[1]))


@given(specs)
def test_every_valid_spec_has_a_correct_answer_text(spec: Spec) -> None:
    text = correct_answer_text(*spec)
    assert isinstance(text, str)
    assert text.strip()


@given(st.integers(-(10**15), 10**15))
def test_an_integer_matches_itself_however_its_thousands_are_written(number: int) -> None:
    question = {"answer": number}
    for text in (str(number), f"{number:,}", f"{number:_}".replace("_", " ")):
        assert grade("numeric", question, text).outcome == "correct"
        assert parse_answer("numeric", question, {"answer": [text]}) == {
            "text": text,
            "convention": "en",
        }
    spanish = f"{number:,}".replace(",", ".")
    for text in (str(number), spanish, f"{number:_}".replace("_", " ")):
        answer = parse_answer("numeric", question, {"answer": [text]}, convention="es")
        assert answer == {"text": text, "convention": "es"}
        assert grade("numeric", question, answer).outcome == "correct"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_a_decimal_written_either_way_reads_as_itself_in_its_own_convention(
    number: D,
) -> None:
    question = {"answer": number}
    english = f"{number:,f}"
    spanish = english.translate(str.maketrans(",.", ".,"))
    assert grade("numeric", question, {"text": english, "convention": "en"}).outcome == "correct"
    assert grade("numeric", question, {"text": spanish, "convention": "es"}).outcome == "correct"


@given(st.lists(st.text(max_size=5), max_size=12, unique=True), st.text(max_size=20))
def test_shuffled_is_a_stable_permutation(items: list[str], seed: str) -> None:
    order = shuffled(items, seed)
    assert sorted(order) == sorted(items)
    assert order == shuffled(list(items), seed)


@given(short_specs(), st.text(max_size=30))
def test_short_answer_grading_ignores_surrounding_space_and_a_final_full_stop(
    spec: Spec, typed: str
) -> None:
    kind, question = spec
    assume(typed.strip())
    plain = grade(kind, question, typed).outcome
    assert grade(kind, question, f"  {typed}. ").outcome == plain
