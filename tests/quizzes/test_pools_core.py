"""The pure draw of a quiz's pools (quizzes/pools.py), exhaustively on small banks."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from quizzes.pools import Pool, attempts_without_repeats, draw, draw_pools, draw_seed


def successive_draws(candidates, count, attempts, *, seed="s"):
    """What `attempts` attempts of one student draw, each knowing what the earlier ones showed."""
    seen: Counter[int] = Counter()
    draws = []
    for number in range(1, attempts + 1):
        drawn = draw(candidates, count=count, seed=f"{seed}:{number}", seen=seen)
        seen.update(drawn)
        draws.append(drawn)
    return draws


@pytest.mark.parametrize("n", range(0, 9))
@pytest.mark.parametrize("count", range(0, 10))
def test_a_draw_gives_count_distinct_candidates_or_all_there_are(n, count):
    candidates = list(range(100, 100 + n))
    drawn = draw(candidates, count=count, seed="x")
    assert len(drawn) == min(n, count)
    assert len(set(drawn)) == len(drawn)
    assert set(drawn) <= set(candidates)


def test_a_candidate_listed_twice_is_still_drawn_once():
    assert sorted(draw([1, 1, 2, 2, 3], count=5, seed="x")) == [1, 2, 3]


def test_a_negative_count_draws_nothing():
    assert draw([1, 2, 3], count=-1, seed="x") == []


@pytest.mark.parametrize(
    "excluded", [set(c) for r in range(6) for c in itertools.combinations(range(5), r)]
)
def test_a_draw_never_gives_an_excluded_question(excluded):
    drawn = draw(range(5), count=5, seed="x", exclude=excluded)
    assert sorted(drawn) == sorted(set(range(5)) - excluded)


def test_the_same_seed_draws_the_same_questions_in_the_same_order():
    candidates = list(range(30))
    assert draw(candidates, count=5, seed="abc") == draw(
        list(reversed(candidates)), count=5, seed="abc"
    )


def test_different_seeds_draw_every_candidate_sooner_or_later():
    drawn = Counter(q for i in range(200) for q in draw(range(10), count=2, seed=f"seed-{i}"))
    assert set(drawn) == set(range(10))
    # No candidate is drawn four times as often as another over 400 draws.
    assert max(drawn.values()) < 4 * min(drawn.values())


@pytest.mark.parametrize("count", range(1, 7))
@pytest.mark.parametrize(
    "seen_set", [set(c) for r in range(7) for c in itertools.combinations(range(6), r)]
)
def test_unseen_questions_come_first_and_seen_ones_only_to_make_up_the_count(count, seen_set):
    seen = {q: 1 for q in seen_set}
    drawn = draw(range(6), count=count, seed="x", seen=seen)
    unseen = set(range(6)) - seen_set
    assert len(drawn) == count
    if len(unseen) >= count:
        assert not set(drawn) & seen_set
    else:
        assert unseen <= set(drawn)
    # Unseen ones are listed before seen ones.
    flags = [q in seen_set for q in drawn]
    assert flags == sorted(flags)


def test_when_all_were_seen_the_least_seen_are_drawn():
    seen = {1: 3, 2: 1, 3: 2, 4: 1, 5: 3}
    assert sorted(draw([1, 2, 3, 4, 5], count=2, seed="x", seen=seen)) == [2, 4]
    assert sorted(draw([1, 2, 3, 4, 5], count=3, seed="x", seen=seen)) == [2, 3, 4]


@pytest.mark.parametrize(("n", "count"), [(n, k) for n in range(1, 13) for k in range(1, n + 1)])
def test_a_pool_gives_n_div_count_attempts_without_a_repeat_then_spreads_repeats(n, count):
    candidates = list(range(n))
    runs = attempts_without_repeats(n, count)
    assert runs == n // count
    draws = successive_draws(candidates, count, runs + 3 * n)
    first = [q for drawn in draws[:runs] for q in drawn]
    assert len(first) == len(set(first)) == runs * count
    # The next attempt repeats only what it must: it shows every question not yet seen.
    if runs * count < n:
        assert set(candidates) - set(first) <= set(draws[runs])
    # However many attempts, no question has been shown two times more than another.
    for k in range(1, len(draws) + 1):
        shown = Counter(q for drawn in draws[:k] for q in drawn)
        times = [shown.get(q, 0) for q in candidates]
        assert max(times) - min(times) <= 1


def test_pool_of_twelve_drawing_three_gives_four_attempts_without_repeats():
    draws = successive_draws(list(range(12)), 3, 5)
    assert len({q for drawn in draws[:4] for q in drawn}) == 12
    assert attempts_without_repeats(12, 3) == 4
    assert attempts_without_repeats(12, 0) == 0


def test_pools_never_draw_a_question_twice_or_a_fixed_one():
    pools = [
        Pool(id=1, count=3, candidates=tuple(range(10))),
        Pool(id=2, count=3, candidates=tuple(range(5, 15))),
        Pool(id=3, count=2, candidates=(0, 1, 2, 20)),
    ]
    for i in range(100):
        drawn = draw_pools(pools, seed=f"s{i}", fixed={0, 5})
        questions = [q for qs in drawn.values() for q in qs]
        assert len(questions) == len(set(questions)) == 8
        assert not {0, 5} & set(questions)
        for pool in pools:
            assert set(drawn[pool.id]) <= set(pool.candidates)
            assert len(drawn[pool.id]) == pool.count


def test_a_broad_pool_never_starves_a_narrow_one():
    broad = Pool(id=1, count=4, candidates=(1, 2, 3, 4, 5, 6))
    narrow = Pool(id=2, count=2, candidates=(1, 2))
    for i in range(50):
        drawn = draw_pools([broad, narrow], seed=f"s{i}")
        assert sorted(drawn[2]) == [1, 2]
        assert sorted(drawn[1]) == [3, 4, 5, 6]


def test_a_pool_short_of_questions_gives_what_it_has():
    drawn = draw_pools([Pool(id=7, count=5, candidates=(1, 2))], seed="s", fixed={2})
    assert drawn == {7: [1]}
    assert draw_pools([Pool(id=8, count=2, candidates=())], seed="s") == {8: []}


def test_the_seen_counts_steer_every_pool():
    pools = [Pool(id=1, count=2, candidates=(1, 2, 3, 4)), Pool(id=2, count=1, candidates=(5, 6))]
    drawn = draw_pools(pools, seed="s", seen={1: 1, 2: 1, 5: 1})
    assert sorted(drawn[1]) == [3, 4]
    assert drawn[2] == [6]


def test_the_seed_depends_on_the_secret_and_on_every_part_of_the_attempt():
    base = {"quiz_id": 1, "student_id": 2, "number": 3}
    seeds = {
        draw_seed("secret", **base),
        draw_seed("other secret", **base),
        draw_seed("secret", **{**base, "quiz_id": 9}),
        draw_seed("secret", **{**base, "student_id": 9}),
        draw_seed("secret", **{**base, "number": 9}),
        draw_seed(b"secret", quiz_id=12, student_id=3, number=3),
    }
    assert len(seeds) == 6
    assert draw_seed("secret", **base) == draw_seed(b"secret", **base)
    assert "secret" not in draw_seed("secret", **base)


# -- item statistics when items are drawn at random (quizzes/statistics.py, places)


def drawn_test(seed="t"):
    """Twelve attempts at a test of one fixed item and a pool drawing 2 of 5 items; scores
    follow a made-up ability so the figures are not degenerate."""
    from quizzes.statistics import ItemResponse

    responses = []
    for a in range(12):
        ability = a / 11
        items = draw(range(5), count=2, seed=f"{seed}:{a}")
        responses.append(ItemResponse(str(a), "fixed", float(ability > 0.3), 1.0))
        for place, item in enumerate(items):
            score = float((ability * 7 + item) % 2 > 0.8)
            responses.append(ItemResponse(str(a), f"q{item}", score, 1.0, place=f"pool:{place}"))
    return responses


def test_attempts_that_drew_different_items_are_all_complete():
    from quizzes.statistics import analyse

    test, items, _ = analyse(drawn_test())
    assert test.attempts == 12
    assert {s.item for s in items} <= {"fixed", *(f"q{i}" for i in range(5))}


def test_test_figures_over_places_are_those_of_the_test_with_places_as_items():
    from dataclasses import replace

    from quizzes.statistics import analyse

    responses = drawn_test()
    as_places = [replace(r, item=r.place or r.item, place="") for r in responses]
    assert analyse(responses)[0] == analyse(as_places)[0]


def test_an_items_discrimination_uses_the_complete_attempts_that_drew_it():
    from quizzes.statistics import ItemResponse, analyse

    responses = drawn_test()
    by_item = {s.item: s for s in analyse(responses)[1]}
    for item in (f"q{i}" for i in range(5)):
        drew = {r.attempt for r in responses if r.item == item}
        if not drew:
            continue
        # The test of just the attempts that drew it, with the pool's other item as one item.
        alone = [
            ItemResponse(
                r.attempt, r.item if r.item == item or not r.place else "other", r.score, 1.0
            )
            for r in responses
            if r.attempt in drew
        ]
        expected = {s.item: s for s in analyse(alone)[1]}[item]
        assert by_item[item].discrimination == expected.discrimination
        assert by_item[item].efficiency == expected.efficiency
        assert by_item[item].n == len(drew)
    assert (
        sum(by_item[f"q{i}"].discrimination is not None for i in range(5) if f"q{i}" in by_item)
        >= 2
    )


def test_two_responses_in_one_place_are_refused():
    from quizzes.statistics import ItemResponse, analyse

    with pytest.raises(ValueError, match="fills place"):
        analyse(
            [
                ItemResponse("1", "a", 1.0, 1.0, place="pool:0"),
                ItemResponse("1", "b", 0.0, 1.0, place="pool:0"),
            ]
        )
