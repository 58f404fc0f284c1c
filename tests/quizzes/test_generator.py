"""Proposing draft questions by rules (quizzes.generator) and saving them (generate_questions)."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courseware.ingest import anchor, ingest
from courseware.models import Objective, ReadingPassage, Source
from quizzes.generator import (
    Key,
    LexiconError,
    SourceText,
    build_pool,
    find_keys,
    generate,
    load_lexicon,
    read_lexicon,
    source_label,
)
from quizzes.grading import validate_spec
from quizzes.models import Question
from tests.conftest import PACK
from tests.generator_texts import flood_source

pytestmark = pytest.mark.django_db

OTHER_LEXICON = Path(__file__).parents[1] / "fixtures" / "lexicon_other.toml"
SAMPLE_SEED = 1

# ---------------------------------------------------------------------------------------------
# The command


def test_generate_questions_saves_drafts_once_and_refuses_an_unknown_source(settings):
    # The database holds the test suite's own pack (tests/conftest.py); its lexicon is the
    # one the command reads, from SEEDS_DIR (it has none: the language file alone).
    settings.SEEDS_DIR = PACK
    source = Source.objects.get(slug="delta-news")
    before = set(Question.objects.values_list("key", flat=True))
    args = ("generate_questions", "--source", source.slug, "--limit", "15", "--seed", "3")
    out = StringIO()
    call_command(*args, stdout=out)
    new = Question.objects.exclude(key__in=before).prefetch_related("versions__citations__source")
    assert 0 < len(new) <= 15
    assert f"{source.slug}:" in out.getvalue()
    label = source_label(source.publisher, source.author, source.title, source.kind)
    # Only the "river-flow" reading reads the delta news: its objectives are every draft's.
    proposed = {"river-flow", "judging-sources"}
    readers = ReadingPassage.objects.filter(passage__source=source)
    assert set(readers.values_list("reading__slug", flat=True)) == {"river-flow"}
    river_flow = Objective.objects.filter(readings__slug="river-flow")
    assert set(river_flow.values_list("code", flat=True)) == proposed
    for question in new:
        assert question.status == Question.Status.DRAFT
        assert question.origin == Question.Origin.GENERATED
        assert question.generator_rule and question.key.startswith(
            f"gen-{source.slug}-{question.generator_rule}-"
        )
        assert question.difficulty == 2
        assert set(question.objectives.values_list("code", flat=True)) == proposed
        version = question.current_version()
        validate_spec(question.kind, version.data)
        assert version.explanation.startswith(f"From {label} ({source.published}): ")
        (citation,) = version.citations.all()
        assert citation.source == source
        assert source.text[citation.start : citation.end] == citation.exact
        assert anchor(source.text, citation.exact).start == citation.start
    count = Question.objects.count()
    call_command(*args, stdout=StringIO())
    assert Question.objects.count() == count
    with pytest.raises(CommandError, match=rf"Unknown source 'no-such-source'.*{source.slug}"):
        call_command("generate_questions", "--source", "no-such-source")


# ---------------------------------------------------------------------------------------------
# The lexicon is data: another subject needs a file, not code

# Canadian politics, which the rules were never written for: its parties, provinces, cities
# and agencies are only in tests/fixtures/lexicon_other.toml.
ELECTIONS = """Elections on the Prairies

In the 2021 election, the Conservative Party won most of the seats in Alberta and Saskatchewan.
The New Democratic Party formed the government of British Columbia after a close vote in 2017.
Voters in Manitoba elected a New Democratic government led by Wab Kinew in October 2023.
The Liberal Party has held the largest number of seats in Ontario since the election of 2015.
The Bloc Québécois Party runs candidates only in Quebec and won 32 seats in the 2019 election.
Officers of the RCMP investigated threats against candidates during the campaign in Calgary.
The Green Party elected its first member in British Columbia when Elizabeth May won in 2011.
Turnout in Nova Scotia reached 55 percent of registered voters in the provincial election of 2021.
"""


def elections_source() -> SourceText:
    document = ingest(ELECTIONS)
    return SourceText(
        "prairie-elections", "The Prairie Ledger", "2024", document.text, document.blocks
    )


def test_it_asks_about_another_subject_s_names_given_only_that_subject_s_lexicon_file():
    source = elections_source()
    other = read_lexicon(OTHER_LEXICON)
    drafts = generate(source, seed=SAMPLE_SEED, pool=build_pool([source.text], lexicon=other))
    rules = Counter(draft.rule for draft in drafts)
    assert rules["choice-party"] >= 3 and rules["blank-province"] >= 1, rules
    assert rules["blank-agency"] == 1
    for draft in drafts:
        if draft.rule == "choice-party":
            texts = {c["text"] for c in draft.data["choices"]}
            assert texts <= {"Conservative", "Democratic", "Liberal", "Bloc Québécois", "Green"}
        if draft.rule == "blank-province":
            assert draft.blank in ("Manitoba", "Nova Scotia", "Alberta", "Ontario", "Quebec")
            assert draft.stem.startswith("Fill in the blank (a province) in this sentence")
    # Without that file, the same text gives only what the language file knows: no parties.
    plain = generate(source, seed=SAMPLE_SEED, pool=build_pool([source.text]))
    assert plain and {d.rule.split("-")[0] for d in plain} <= {"blank", "choice", "numeric"}
    assert not {"party", "province", "agency"} & {d.rule.split("-", 1)[1] for d in plain}


def test_a_pack_without_a_lexicon_file_uses_the_language_file_alone(tmp_path):
    bare = load_lexicon(tmp_path)
    assert (bare.group_kind, bare.regions, bare.cities) == ("group", (), ())
    source = flood_source()
    drafts = generate(source, seed=SAMPLE_SEED, pool=build_pool([source.text], lexicon=bare))
    assert len(drafts) >= 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[groups]\nnoun = ["Party"]\n',
            r"lexicon\.toml: unknown key\(s\) noun in the file\.groups",
        ),
        ('language = "xx"\n', r"no language file for 'xx'; known: en"),
        (
            '[regions]\nkind = "year"\n',
            r"kinds of groups, regions, cities and agencies must differ",
        ),
        ("[cities\n", r"not valid TOML"),
    ],
)
def test_a_lexicon_file_that_cannot_be_used_is_refused_with_what_to_fix(tmp_path, text, message):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "lexicon.toml").write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon(tmp_path)


# ---------------------------------------------------------------------------------------------
# Distractors another sentence of the source makes true (distractors.supported_elsewhere)

PRAIRIE = "Alberta has long been known for growing durum wheat across its southern prairies."
COMMON = frozenset({"with", "that", "from", "have", "been", "also", "most", "this", "their"})


def _alberta() -> Key:
    start = PRAIRIE.index("Alberta")
    return Key("province", "Alberta", start, start + len("Alberta"), identity="alberta")


@pytest.mark.parametrize(
    ("other", "supported"),
    [
        # The same sentence with the key swapped for the candidate (folded words).
        (
            "Manitoba has long been known for growing durum wheat across its southern prairies.",
            True,
        ),
        ("MANITOBA has long been known for growing durum wheat across its southern prairies", True),
        # The same predicate of the candidate: three consecutive content words in common.
        ("Farmers in Manitoba are growing durum wheat on more land every year.", True),
        # The same run, but the sentence does not name the candidate.
        ("Farmers in Ontario are growing durum wheat on more land every year.", False),
        # The candidate, but only two content words in a row in common.
        ("Manitoba farmers are growing more wheat than ever before.", False),
        # The candidate, and common words in common ("has long been known for").
        ("Manitoba has long been known for its lakes and its cold winters.", False),
    ],
)
def test_a_candidate_is_dropped_only_when_another_sentence_says_the_same_of_it(other, supported):
    from quizzes.generator.distractors import index_sentences, supported_elsewhere

    others = index_sentences([PRAIRIE, other], COMMON)
    found = supported_elsewhere(PRAIRIE, _alberta(), ["Manitoba"], others, COMMON)
    assert found is supported


def test_words_of_the_names_never_make_a_shared_predicate():
    from quizzes.generator.distractors import index_sentences, supported_elsewhere

    sentence = "Alberta Wheat Growers Commission officials met in Calgary last spring."
    other = "The British Columbia Wheat Growers Commission officials met in Victoria."
    start = sentence.index("Alberta")
    key = Key("province", "Alberta Wheat Growers", start, start + 21, identity="alberta")
    # "wheat growers commission" would be shared, but two of its words are the key's name.
    others = index_sentences([sentence, other], COMMON)
    assert not supported_elsewhere(sentence, key, ["British Columbia"], others, COMMON)
    alberta = Key("province", "Alberta", start, start + 7, identity="alberta")
    assert supported_elsewhere(sentence, alberta, ["British Columbia"], others, COMMON)


def test_distractors_leave_out_the_provinces_the_source_says_the_same_of():
    import random

    from quizzes.generator.distractors import distractors_for
    from quizzes.generator.sentences import units

    text = (
        "Provinces\n\n"
        "Voters in Ontario elect more members of the House of Commons than any province. "
        "Voters in Quebec elect more members of the House of Commons than any province. "
        "Voters in New Brunswick, Nova Scotia and Newfoundland send far fewer to Ottawa.\n"
    )
    document = ingest(text)
    source = SourceText("seats", "The Example Times", "2025", document.text, document.blocks)
    pool = build_pool([source.text], lexicon=read_lexicon(OTHER_LEXICON))
    unit = units(source)[0]
    (key,) = [k for k in find_keys(unit.text, pool) if k.text == "Ontario"]
    for seed in range(10):
        choices = distractors_for(unit.text, key, pool, random.Random(seed), source)
        assert choices is not None and sorted(choices) == [
            "New Brunswick",
            "Newfoundland",
            "Nova Scotia",
        ]
    # Without the source's other sentences nothing is known to be true of Quebec.
    choices = distractors_for(unit.text, key, pool, random.Random(0), None)
    assert choices is not None and "Quebec" in choices


def test_a_name_another_sentence_says_the_same_of_is_not_made_a_blank():
    from quizzes.generator.distractors import another_right_name
    from quizzes.generator.sentences import units

    # This wording makes a blank, not a choice (render._prefers_choice, seed-independent).
    ontario = "People in Ontario have elected more members to the House of Commons than any other province."

    def drafted(second: str) -> tuple[str | None, list[tuple[str, str]]]:
        text = (
            f"Provinces\n\n{ontario} {second} "
            "Voters in New Brunswick, Nova Scotia and Newfoundland have sent far fewer members.\n"
        )
        document = ingest(text)
        source = SourceText("seats", "The Example Times", "2025", document.text, document.blocks)
        pool = build_pool([source.text], lexicon=read_lexicon(OTHER_LEXICON))
        unit = units(source)[0]
        (key,) = [k for k in find_keys(unit.text, pool) if k.text == "Ontario"]
        drafts = generate(source, seed=SAMPLE_SEED, pool=pool)
        asked = [(d.rule, d.blank) for d in drafts if d.quote == ontario]
        return another_right_name(unit.text, key, pool, source), asked

    rival, asked = drafted(ontario.replace("Ontario", "Quebec"))
    assert rival == "Quebec" and asked == []  # "Quebec" would fill the blank as well
    rival, asked = drafted("Voters in Quebec chose a new premier after a long and bitter campaign.")
    assert rival is None and asked == [("blank-province", "Ontario")]


# ---------------------------------------------------------------------------------------------
# A short source made of claims: "which source is this sentence from?"

_CLAIMS = (
    "Flood insurance premiums in river towns have risen faster than household incomes.\n"
    "Planners have increasingly favoured restoring wetlands upstream over building higher walls downstream.\n"
    "Volunteer networks have often responded faster than regional authorities during the first night.\n"
    "Insurers have rarely published the models behind the prices of riverside homes.\n"
    "Local newspapers remain the most trusted record of past flood heights.\n"
)


def _source(slug: str, label: str, text: str) -> SourceText:
    document = ingest(text)
    return SourceText(slug, label, "2024", document.text, document.blocks)


def _run(*sources: SourceText):
    from quizzes.generator import generate_all

    return generate_all(sources, seed=SAMPLE_SEED)


def _others() -> list[SourceText]:
    return [
        _source(
            "b",
            "The River Trust",
            "Shipping on the lower river carried 2 million tonnes of grain in 2015.\n",
        ),
        _source(
            "c", "A county report", "The county maintained 140 kilometres of embankments in 2020.\n"
        ),
    ]


def test_a_short_source_of_claims_gets_which_source_drafts_with_one_right_label():
    short = _source("claims", "An opinion column", "What the floods teach\n\n" + _CLAIMS)
    drafts = _run(flood_source(), *_others(), short)
    asked = [d for d in drafts if d.rule == "choice-source"]
    assert [d.source for d in asked] == ["claims"] * 3  # at most three, only for the short one
    for draft in asked:
        assert draft.quote in _CLAIMS and anchor(short.text, draft.quote).start == draft.start
        assert draft.stem.endswith(f"“{draft.quote}”")
        labels = [c["text"] for c in draft.data["choices"]]
        assert sorted(labels) == sorted(
            ["An opinion column", "The Valley Courier", "The River Trust", "A county report"]
        )
        assert [c["text"] for c in draft.data["choices"] if c["correct"]] == ["An opinion column"]
        validate_spec("single", draft.data)  # raises if the data is not a valid question


def test_no_which_source_draft_for_a_sentence_another_source_nearly_says():
    echoed = _source(
        "echo",
        "A planning journal",
        "Planners have increasingly favoured restoring wetlands upstream over building higher walls.\n",
    )
    short = _source("claims", "An opinion column", "What the floods teach\n\n" + _CLAIMS)
    drafts = _run(flood_source(), *_others(), echoed, short)
    quotes = [d.quote for d in drafts if d.rule == "choice-source" and d.source == "claims"]
    assert len(quotes) == 3 and not any("wetlands" in quote for quote in quotes)


def test_no_which_source_drafts_with_fewer_than_four_sources_or_for_a_source_rich_in_facts():
    short = _source("claims", "An opinion column", "What the floods teach\n\n" + _CLAIMS)
    assert not [d for d in _run(flood_source(), _others()[0], short) if d.rule == "choice-source"]
    drafts = _run(flood_source(), *_others(), short)
    assert not [d for d in drafts if d.rule == "choice-source" and d.source == "ardle-flood"]
