"""Item analysis of quiz responses, after Moodle's quiz statistics (pure).

The definitions follow https://docs.moodle.org/dev/Quiz_statistics_calculations:

- facility index: the mean of score / max score over an item's responses, as a percent;
- standard deviation: the sample standard deviation (n - 1) of score / max score, as a percent;
- discrimination index: the Pearson correlation between the item's score and the score on the
  rest of the test (the attempt's total minus this item), as a percent;
- discriminative efficiency: the discrimination index divided by the largest one the two sets of
  scores allow, which is the correlation when both are sorted (so it is cov(x, y) divided by
  cov(sorted x, sorted y)), as a percent. It is at most 100; a negative index can give less
  than -100;
- coefficient of internal consistency: Cronbach's alpha, k / (k - 1) * (1 - sum(var_i) /
  var_total), with population variances, as a percent;
- the test's mean, median and sample standard deviation of each attempt's total as a percent of
  that attempt's maximum total.

Which attempts count: Moodle analyses "all attempts" or "first attempts"; here the caller chooses
by what it passes in, and every response passed in is used for what needs only the item itself
(facility, standard deviation, choice counts and shares, roll-up facility). A total, though, is
only defined for an attempt that filled every place in the test seen in the input, so the
test-level figures, the discrimination and efficiency indices, the point-biserials and alpha use
those complete attempts only. A place is an item, unless the test draws items at random: then,
as Moodle treats a random question, each drawn place ("pool 4, draw 2") is one place, whichever
item filled it; alpha is computed over places, and an item's discrimination over the complete
attempts that drew it. Correlations and alpha use points as scored; facility and standard
deviation use each response's score / max score, so an item whose max score changed between
attempts is still measured fairly.

The "weak discrimination" flag needs at least `WEAK_MIN_ATTEMPTS` complete attempts behind the
index (an index computed over fewer means little). Flags are judged on the rounded percentages
that are reported.

Arithmetic is exact (fractions) until a square root is taken, so the results do not depend on the
order of the input, a zero variance is recognised as exactly zero, and nothing divides by zero or
returns NaN: an undefined figure is None. Percentages are rounded to 2 decimals, halves away from
zero.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

TOO_EASY = "too easy"
TOO_HARD = "too hard"
NEGATIVE_DISCRIMINATION = "negative discrimination"
WEAK_DISCRIMINATION = "weak discrimination"

TOO_EASY_ABOVE = 90.0  # facility, percent
TOO_HARD_BELOW = 20.0  # facility, percent
WEAK_BELOW = 20.0  # discrimination index, percent
WEAK_MIN_ATTEMPTS = 10

ZERO = Fraction(0)


@dataclass(frozen=True)
class ItemResponse:
    """One attempt's response to one item."""

    attempt: str  # attempt id
    item: str  # item id (question key)
    score: float  # points earned, 0 <= score <= max_score
    max_score: float  # points possible (> 0)
    # For choice questions, the chosen option's id ("a"), or for multiple response the sorted,
    # comma-joined ids ("a,c"); None when not a choice question or nothing was chosen.
    choice: str | None = None
    tags: tuple[str, ...] = ()  # what to roll up by, e.g. "passage:…", "objective:…"
    # The place in the test the item filled, for items drawn at random ("pool:4:1"); "" means
    # the item is a place of its own.
    place: str = ""


@dataclass(frozen=True)
class ChoiceStats:
    choice: str
    count: int
    share: float  # percent of the item's responses
    # Correlation (percent) between choosing this option (1/0) and the rest-of-test score, over
    # the complete attempts; None when undefined.
    point_biserial: float | None


@dataclass(frozen=True)
class ItemStats:
    item: str
    n: int  # responses counted
    facility: float | None  # percent (0–100)
    sd: float | None  # percent of max; None for fewer than 2 responses
    discrimination: float | None  # percent; None for < 2 complete attempts or zero variance
    efficiency: float | None  # percent; None when the discrimination index is
    flags: tuple[str, ...]
    choices: dict[str, ChoiceStats]  # by option id, sorted; only options someone chose


@dataclass(frozen=True)
class TestStats:
    __test__ = False  # not a pytest test class, whatever its name

    attempts: int  # complete attempts (those that filled every place)
    mean: float | None  # of total scores as percent of the maximum total
    median: float | None
    sd: float | None  # sample standard deviation; None for fewer than 2 attempts
    alpha: float | None  # Cronbach's alpha, percent; None for k < 2 or zero total variance


@dataclass(frozen=True)
class Rollup:
    tag: str
    items: tuple[str, ...]  # the items any of whose responses carries the tag, sorted
    n: int  # responses to those items
    facility: float | None  # percent: total earned / total possible over those responses
    discrimination: float | None  # mean of the items' discrimination indices (ignoring None)


@dataclass(frozen=True)
class _Response:
    attempt: str
    score: Fraction
    max_score: Fraction
    choice: str | None


def analyse(
    responses: Iterable[ItemResponse],
) -> tuple[TestStats, list[ItemStats], list[Rollup]]:
    """Test-level statistics, per-item statistics sorted by item id, and roll-ups sorted by tag.

    Raises ValueError for a score that is not a finite number within 0..max_score, a max score
    that is not positive, or a second response by the same attempt to the same item or place.
    """
    by_item: dict[str, list[_Response]] = defaultdict(list)
    points: dict[str, dict[str, Fraction]] = defaultdict(dict)  # attempt -> item -> score
    places: dict[str, dict[str, str]] = defaultdict(dict)  # attempt -> place -> item
    max_points: dict[str, Fraction] = defaultdict(Fraction)  # attempt -> max total
    tags_by_item: dict[str, set[str]] = defaultdict(set)
    for response in responses:
        score, max_score = _checked(response)
        if response.item in points[response.attempt]:
            raise ValueError(
                f"Attempt {response.attempt!r} answers item {response.item!r} more than once."
            )
        place = response.place or response.item
        if place in places[response.attempt]:
            raise ValueError(f"Attempt {response.attempt!r} fills place {place!r} more than once.")
        places[response.attempt][place] = response.item
        points[response.attempt][response.item] = score
        max_points[response.attempt] += max_score
        by_item[response.item].append(
            _Response(response.attempt, score, max_score, response.choice)
        )
        tags_by_item[response.item].update(response.tags)

    items = sorted(by_item)
    all_places = sorted({place for row in places.values() for place in row})
    complete = sorted(attempt for attempt, row in places.items() if len(row) == len(all_places))
    totals = {attempt: sum(points[attempt].values(), ZERO) for attempt in complete}

    test = _test_stats(
        [totals[attempt] / max_points[attempt] for attempt in complete],
        [[points[a][places[a][place]] for a in complete] for place in all_places],
        [totals[attempt] for attempt in complete],
    )

    item_stats: list[ItemStats] = []
    correlations: dict[str, float | None] = {}
    for item in items:
        drew = [attempt for attempt in complete if item in points[attempt]]
        scores = [points[attempt][item] for attempt in drew]
        rest = [totals[attempt] - score for attempt, score in zip(drew, scores, strict=True)]
        chosen = {r.attempt: r.choice for r in by_item[item]}
        stats, correlation = _item_stats(item, by_item[item], scores, rest, drew, chosen)
        item_stats.append(stats)
        correlations[item] = correlation

    items_by_tag: dict[str, list[str]] = defaultdict(list)
    for item in items:
        for tag in tags_by_item[item]:
            items_by_tag[tag].append(item)
    rollups = [
        _rollup(tag, items_by_tag[tag], by_item, correlations) for tag in sorted(items_by_tag)
    ]
    return test, item_stats, rollups


def _checked(response: ItemResponse) -> tuple[Fraction, Fraction]:
    where = f"attempt {response.attempt!r}, item {response.item!r}"
    if not (math.isfinite(response.score) and math.isfinite(response.max_score)):
        raise ValueError(f"Scores must be finite numbers ({where}).")
    score, max_score = Fraction(response.score), Fraction(response.max_score)
    if max_score <= 0:
        raise ValueError(f"The max score must be positive ({where}).")
    if not 0 <= score <= max_score:
        raise ValueError(f"The score must be within 0..{response.max_score} ({where}).")
    return score, max_score


def _test_stats(
    ratios: Sequence[Fraction],
    item_scores: Sequence[Sequence[Fraction]],
    totals: Sequence[Fraction],
) -> TestStats:
    if not ratios:
        return TestStats(attempts=0, mean=None, median=None, sd=None, alpha=None)
    variance = _sample_variance(ratios)
    return TestStats(
        attempts=len(ratios),
        mean=_percent(_mean(ratios)),
        median=_percent(_median(ratios)),
        sd=None if variance is None else _percent(math.sqrt(variance)),
        alpha=_alpha(item_scores, totals),
    )


def _alpha(item_scores: Sequence[Sequence[Fraction]], totals: Sequence[Fraction]) -> float | None:
    k = len(item_scores)
    total_variance = _population_variance(totals)
    if k < 2 or total_variance == 0:
        return None
    item_variances = sum((_population_variance(scores) for scores in item_scores), ZERO)
    return _percent(Fraction(k, k - 1) * (1 - item_variances / total_variance))


def _item_stats(
    item: str,
    responses: Sequence[_Response],
    scores: Sequence[Fraction],
    rest: Sequence[Fraction],
    complete: Sequence[str],
    chosen: dict[str, str | None],
) -> tuple[ItemStats, float | None]:
    n = len(responses)
    ratios = [r.score / r.max_score for r in responses]
    variance = _sample_variance(ratios)
    facility = _percent(_mean(ratios))
    correlation = _correlation(scores, rest)
    discrimination = None if correlation is None else _percent(correlation)
    efficiency = None if correlation is None else _percent(_efficiency(scores, rest))

    flags: list[str] = []
    if facility > TOO_EASY_ABOVE:
        flags.append(TOO_EASY)
    if facility < TOO_HARD_BELOW:
        flags.append(TOO_HARD)
    if discrimination is not None:
        if discrimination < 0:
            flags.append(NEGATIVE_DISCRIMINATION)
        elif discrimination < WEAK_BELOW and len(scores) >= WEAK_MIN_ATTEMPTS:
            flags.append(WEAK_DISCRIMINATION)

    counts: dict[str, int] = defaultdict(int)
    for response in responses:
        if response.choice is not None:
            counts[response.choice] += 1
    choices: dict[str, ChoiceStats] = {}
    for choice in sorted(counts):
        picked = [Fraction(int(chosen.get(attempt) == choice)) for attempt in complete]
        point_biserial = _correlation(picked, rest)
        choices[choice] = ChoiceStats(
            choice=choice,
            count=counts[choice],
            share=_percent(Fraction(counts[choice], n)),
            point_biserial=None if point_biserial is None else _percent(point_biserial),
        )

    stats = ItemStats(
        item=item,
        n=n,
        facility=facility,
        sd=None if variance is None else _percent(math.sqrt(variance)),
        discrimination=discrimination,
        efficiency=efficiency,
        flags=tuple(flags),
        choices=choices,
    )
    return stats, correlation


def _rollup(
    tag: str,
    items: Sequence[str],
    by_item: dict[str, list[_Response]],
    correlations: dict[str, float | None],
) -> Rollup:
    responses = [r for item in items for r in by_item[item]]
    earned = sum((r.score for r in responses), ZERO)
    possible = sum((r.max_score for r in responses), ZERO)
    defined = [Fraction(c) for item in items if (c := correlations[item]) is not None]
    return Rollup(
        tag=tag,
        items=tuple(items),
        n=len(responses),
        facility=_percent(earned / possible) if possible else None,
        discrimination=_percent(_mean(defined)) if defined else None,
    )


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, ZERO) / len(values)


def _median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _sum_of_products(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> Fraction:
    """The sum of (x - mean x)(y - mean y): n times the population covariance."""
    mean_x, mean_y = _mean(xs), _mean(ys)
    return sum(((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)), ZERO)


def _population_variance(values: Sequence[Fraction]) -> Fraction:
    return _sum_of_products(values, values) / len(values) if values else ZERO


def _sample_variance(values: Sequence[Fraction]) -> Fraction | None:
    if len(values) < 2:
        return None
    return _sum_of_products(values, values) / (len(values) - 1)


def _correlation(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> float | None:
    """Pearson's r in -1..1; None for fewer than two pairs or when either side is constant."""
    if len(xs) < 2:
        return None
    sxx, syy = _sum_of_products(xs, xs), _sum_of_products(ys, ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = _sum_of_products(xs, ys)
    # r² is exact and at most 1 (Cauchy–Schwarz), so r never strays outside -1..1.
    return math.copysign(math.sqrt(sxy * sxy / (sxx * syy)), sxy)


def _efficiency(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> Fraction:
    """r / r_max, where r_max pairs the sorted scores; only called when r is defined.

    The standard deviations cancel, leaving cov(x, y) / cov(sorted x, sorted y). The sorted
    covariance is positive when neither side is constant (Chebyshev's sum inequality).
    """
    return _sum_of_products(xs, ys) / _sum_of_products(sorted(xs), sorted(ys))


def _percent(ratio: Fraction | float) -> float:
    """ratio × 100, rounded to 2 decimals, halves away from zero."""
    hundredths = Fraction(ratio) * 10_000
    rounded = math.floor(abs(hundredths) + Fraction(1, 2))
    return (rounded if hundredths >= 0 else -rounded) / 100
