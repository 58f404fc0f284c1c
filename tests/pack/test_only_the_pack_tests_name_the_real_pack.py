"""Every test outside tests/pack/ runs on the fixture pack, so editing or swapping the real pack
breaks only the checks written about it."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import SEEDS

TESTS = SEEDS.parent / "tests"


def real_pack_ids() -> set[str]:
    """The slugs and ids of the real pack's sources, course, readings, quizzes, questions,
    prompts and objectives."""
    ids: set[str] = set()
    for path in [SEEDS / "sources.toml", *sorted((SEEDS / "course").rglob("*.toml"))]:
        found = re.findall(r'^\s*(?:slug|id)\s*=\s*"([^"]+)"', path.read_text("utf-8"), re.M)
        ids.update(found)
    return ids


def test_the_real_pack_has_ids_to_look_for():
    ids = real_pack_ids()
    course = tomllib.loads((SEEDS / "course" / "course.toml").read_text("utf-8"))["course"]
    assert len(ids) > 200 and course["slug"] in ids


def test_no_test_outside_tests_pack_names_the_real_pack():
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(real_pack_ids()))) + r")\b")
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.is_relative_to(TESTS / "pack"):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if (found := pattern.search(line)) and f'"{found[1]}"' in line:
                offenders.append(f"{path.relative_to(TESTS)}:{number}: {found[1]}")
    assert offenders == [], offenders
