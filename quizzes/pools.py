"""Which questions an attempt draws from a quiz's pools (pure: no Django).

A pool draws `count` questions from its candidates (the published questions matching its
filters). Within one attempt a question appears once: the quiz's fixed questions are never
drawn, and two pools never draw the same question. Across attempts, a student sees questions
they have not seen in this quiz before whenever the pool has enough of them; when it has too
few, the rest are the ones they have seen least often. Which questions, among equals, comes
from a seed: the same seed gives the same draw, so an attempt's draw can be repeated and
tested, and a seed made from a secret (`draw_seed`) cannot be predicted by students.

Pools are drawn narrowest first (fewest candidates), so a broad pool cannot take the only
questions a narrow one has; ties go by the pool's id.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from quizzes.grading import shuffled


@dataclass(frozen=True)
class Pool:
    """A pool as the draw needs it: its id, how many to draw, and its candidates' ids."""

    id: int
    count: int
    candidates: tuple[int, ...]


def draw_seed(secret: str | bytes, *, quiz_id: int, student_id: int, number: int) -> str:
    """The seed of one attempt's draw (quiz, student and attempt number name the attempt
    before it exists): an HMAC of the secret, so knowing how the draw works does not give
    the next attempt's questions."""
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"fuente.pools\x1f{quiz_id}\x1f{student_id}\x1f{number}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def draw(
    candidates: Sequence[int],
    *,
    count: int,
    seed: str,
    exclude: Collection[int] = (),
    seen: Mapping[int, int] | None = None,
) -> list[int]:
    """Up to `count` of `candidates` (fewer only if fewer are left), none of `exclude`, in a
    random order fixed by `seed`: never-seen ones first, then those seen least often before
    (`seen`: question id → how many earlier attempts showed it)."""
    seen = seen or {}
    available = sorted(set(candidates) - set(exclude))
    order = shuffled([str(c) for c in available], seed)
    rank = {int(c): i for i, c in enumerate(order)}
    return sorted(available, key=lambda c: (seen.get(c, 0), rank[c]))[: max(count, 0)]


def draw_pools(
    pools: Sequence[Pool],
    *,
    seed: str,
    fixed: Collection[int] = (),
    seen: Mapping[int, int] | None = None,
) -> dict[int, list[int]]:
    """Each pool's draw for one attempt (pool id → question ids, in the order drawn): no
    question twice, none of the `fixed` ones."""
    taken = set(fixed)
    drawn: dict[int, list[int]] = {}
    for pool in sorted(pools, key=lambda p: (len(set(p.candidates) - taken), p.id)):
        questions = draw(
            pool.candidates, count=pool.count, seed=f"{seed}:{pool.id}", exclude=taken, seen=seen
        )
        taken.update(questions)
        drawn[pool.id] = questions
    return drawn


def attempts_without_repeats(candidates: int, count: int) -> int:
    """How many attempts a pool of `candidates` questions, drawing `count`, gives before a
    student must see a question again (draw prefers unseen questions, so it is exact)."""
    return candidates // count if count > 0 else 0
