"""The generator (quizzes.generator) on the real pack: its sources, its lexicon
(seeds/course/lexicon.toml) and a hand-labelled sample of its drafts (generator_sample.toml)."""

from __future__ import annotations

import random
import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from courseware.ingest import anchor, ingest
from quizzes.generator import (
    BLANK,
    Draft,
    Key,
    SourceText,
    build_pool,
    find_keys,
    generate,
    generate_all,
    load_lexicon,
    rejection,
    select,
    units,
)
from quizzes.grading import validate_spec
from tests.conftest import SEEDS
from tests.generator_texts import flood_source, pack_sources

SAMPLE = Path(__file__).with_name("generator_sample.toml")
OTHER_LEXICON = Path(__file__).parents[1] / "fixtures" / "lexicon_other.toml"
SAMPLE_SEED = 1
MONTHS = {
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
}


def one_sentence(text: str, slug: str = "example") -> SourceText:
    document = ingest(text)
    return SourceText(slug, "The Example Times", "2025", document.text, document.blocks)


@cache
def lexicon():
    return load_lexicon(SEEDS)


@cache
def pool():
    return build_pool((source.text for source in pack_sources(SEEDS)), lexicon=lexicon())


@cache
def drafts_for(seed: int) -> tuple[Draft, ...]:
    return tuple(generate_all(pack_sources(SEEDS), seed=seed, pool=pool()))


def keys_of(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in find_keys(text, pool()):
        found.setdefault(key.kind, []).append(key.text)
    return found


def the_key(text: str, kind: str) -> Key:
    (key,) = [key for key in find_keys(text, pool()) if key.kind == kind]
    return key


def correct_text(draft: Draft) -> str:
    return next(c["text"] for c in draft.data["choices"] if c["correct"])


# ---------------------------------------------------------------------------------------------
# Filters


@pytest.mark.parametrize(
    "sentence",
    [
        "It prioritized shipping drugs to maximize profit rather than territorial control.",
        "They are all heavily armed with military-grade rifles and high-capacity magazines.",
        "This disparity allows traffickers to exploit the abundance of firearms in the U.S.",
        "These weapons often originate from U.S. manufacturers and are funneled through retailers.",
        "He was the head of the Jalisco New Generation Cartel, which is known for its arsenal.",
        "She explained that a credible strategy requires Washington to treat trafficking seriously.",
        "Those capabilities remain rudimentary despite the spread of drones across the country.",
        "Such battles are easily documented on messaging groups and social media channels.",
    ],
)
def test_a_sentence_starting_with_an_unresolved_pronoun_is_rejected(sentence):
    assert rejection(sentence) in ("pronoun start", "unresolved reference")


@pytest.mark.parametrize(
    "sentence",
    [
        "US authorities have tried hard.",  # under eight words
        "Challenges include:",  # a list label
        "The Mexican Security Panorama and the Evolving Government Response in Five States",
        "Norb Leahy, Dunwoody GA Tea Party Leader",
        "date 2026-03-03 and then the rest of a line that does not start a sentence at all.",
    ],
)
def test_fragments_and_headings_are_rejected(sentence):
    assert rejection(sentence).startswith("fragment")


@pytest.mark.parametrize(
    ("sentence", "quoted_before"),
    [
        ("“Territorially oriented groups make profit from controlling their territory.”", False),
        (
            "In short, they move drugs from point A to point B, buy and sell, and make money.”",
            False,
        ),
        (
            "Because this requires more personnel to patrol and control a territory, they grow.",
            True,
        ),
        (
            "To counter gun trafficking requires a major shift in US policy and priorities, Idler said.",
            False,
        ),
        (
            "Smith said strict controls in one country can spur illicit flows in another country.",
            False,
        ),
        (
            "Addressing the flow of weapons will rely on continued oversight by both countries, she said.",
            False,
        ),
    ],
)
def test_quotations_and_reported_speech_are_rejected(sentence, quoted_before):
    assert rejection(sentence, quoted_before=quoted_before).startswith("quotation")


@pytest.mark.parametrize(
    "sentence",
    [
        "The views expressed in this article are those of the author and not of the institute.",
        "Disclaimer: Factually can make mistakes, so please verify important info or news.",
        "Whether you agree or disagree, even a $5 donation helps us keep our analysis going.",
        "Evan Ellis is a Latin America research professor with the U.S. Army War College.",
        "This article represents Part I of a two-part series on Mexico and its cartels.",
    ],
)
def test_boilerplate_is_rejected(sentence):
    assert rejection(sentence) == "boilerplate"


def test_reference_numbers_are_cut_from_the_end_of_a_citation_and_rejected_inside_it():
    source = one_sentence(
        "Mexico’s adoption of military-focused campaigns since 2006 produced intensified clashes "
        "and retaliation [1] [7].\n\nU.S. demand is central to cartel revenue [5], and U.S. "
        "firearms flows have contributed to cartel militarization [3] [2]."
    )
    first, second = units(source)
    assert first.text.endswith("produced intensified clashes and retaliation")
    assert source.text[first.start : first.end] == first.text
    assert rejection(first.text) is None
    assert rejection(second.text) == "reference numbers"


def test_a_list_label_is_left_out_of_the_citation():
    source = one_sentence(
        "Drone attacks: In October 2025, a drone attack carrying explosives struck an office "
        "in Tijuana, a key drug-trafficking hub."
    )
    (unit,) = units(source)
    assert unit.text.startswith("In October 2025, a drone attack")


def test_sentences_that_lean_on_earlier_ones_are_rejected():
    assert rejection("Instead, many were lost because the ATF underestimated the difficulty.")
    assert rejection("The initiative was defunded in 2022 by President Joe Biden’s administration.")
    assert rejection("The current administration should maximize this offer and act quickly now.")
    assert rejection("Moreover, adding insult to injury, they published the 751-page case online.")
    assert rejection(
        "In January, the U.S. State Department issued a an alert advising against travel."
    )


def test_a_standalone_informative_sentence_is_accepted():
    assert (
        rejection("In February 2025, Mexico transferred 29 wanted cartel members to U.S. custody.")
        is None
    )


# ---------------------------------------------------------------------------------------------
# Keys


def test_years_are_recognised_but_not_in_ranges_titles_or_twice():
    assert keys_of("In 2021, AMLO began a process to move the National Guard.")["year"] == ["2021"]
    assert "year" not in keys_of("From 2018 to 2021, the ATF conducted Project Thor in Arizona.")
    assert "year" not in keys_of("In the 2025 Annual Threat Assessment, cartels were listed first.")
    assert "year" not in keys_of("In 2011 and again in late 2011, officials denied the claims.")


def test_months_are_recognised_only_before_a_year():
    assert keys_of("In August 2025, the US Treasury sanctioned violent Mexican cartels.")[
        "month"
    ] == ["August"]
    assert "month" not in keys_of("Officials may meet on June 9 to discuss the border again.")


def test_mexican_and_us_states_and_cities_are_recognised_as_places():
    found = keys_of("The state of Guerrero is a focal point for growing heroin poppies.")
    assert found["state"] == ["Guerrero"]
    found = keys_of(
        "The government filed a lawsuit in US federal court in Massachusetts last year."
    )
    assert found["state"] == ["Massachusetts"]
    found = keys_of("A drone attack struck a prosecutor's office in Tijuana, a key hub.")
    assert found["city"] == ["Tijuana"]


def test_a_state_that_names_a_cartel_is_a_place_only_when_the_sentence_says_so():
    assert "state" not in keys_of(
        "Sinaloa generally has a more franchise-like structure than CJNG."
    )
    assert keys_of("The state of Sinaloa has seen a sharp increase in targeted killings.")[
        "state"
    ] == ["Sinaloa"]


def test_cartels_and_agencies_are_recognised_with_their_other_names():
    found = keys_of("The previous governor was believed to be tied to the Gulf Cartel for years.")
    assert found["cartel"] == ["Gulf"]
    cjng = the_key("CJNG is currently on the offensive in Michoacán.", "cartel")
    assert "Jalisco New Generation Cartel" in cjng.accepted
    atf = the_key("Officials say the ATF conducted Project Thor against traffickers.", "agency")
    assert "Bureau of Alcohol, Tobacco, Firearms and Explosives" in atf.accepted


def test_a_key_named_in_full_elsewhere_in_the_sentence_is_not_asked():
    # "(ATF)" after its long name, or "CJNG" after "Jalisco New Generation Cartel", gives it away.
    text = "The U.S. Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF) needs to act now."
    assert "agency" not in keys_of(text)
    text = "Los Chapitos announced an alliance with the Jalisco New Generation Cartel (CJNG) today."
    assert "cartel" not in keys_of(text)


def test_quantities_are_recognised_with_their_units():
    rounds = the_key(
        "In February, officials seized 137,000 .50-calibre rounds from cartels.", "number"
    )
    assert (rounds.text, rounds.value, rounds.unit) == ("137,000", 137000, ".50-calibre rounds")
    money = the_key(
        "In fiscal year 2024, officials requested just $127.1 million for Mexico.", "number"
    )
    assert (money.text, money.value, money.unit) == ("127.1", 127.1, "million dollars")
    share = the_key("Eighty percent of weapons seized from cartels come from the US.", "number")
    assert (share.value, share.unit) == (80, "percent")
    span = the_key(
        "Authorities estimated that 200,000 to 500,000 firearms are trafficked each year.", "range"
    )
    assert (span.value, span.high, span.unit) == (200000, 500000, "firearms")


def test_a_small_count_followed_by_the_things_counted_is_not_asked():
    text = "Two factions of the Sinaloa Cartel, the Mayito Flacos and Los Chapitos, are battling."
    assert "number" not in keys_of(text)
    assert "number" not in keys_of("The activities of the two militaries are ongoing and close.")


# ---------------------------------------------------------------------------------------------
# Distractors and seeds


def test_distractors_are_never_named_or_made_true_by_the_sentence():
    # Sinaloa and Jalisco (and CJNG, Jalisco's cartel) are both in the sentence: neither may be
    # a distractor for the other, in any seed.
    source = one_sentence(
        "In 2024, the Sinaloa Cartel fought the CJNG for control of routes through Jalisco and "
        "Zacatecas, according to officials quoted by the regional press."
    )
    for seed in range(30):
        for draft in generate(source, seed=seed, pool=pool()):
            if draft.kind == "single":
                wrong = {c["text"] for c in draft.data["choices"] if not c["correct"]}
                assert not wrong & {
                    "Sinaloa",
                    "Jalisco",
                    "Jalisco New Generation",
                    "CJNG",
                    "Zacatecas",
                    "2024",
                }
    # "over 75,000": any smaller number would be true as well.
    source = one_sentence(
        "The U.S. has over 75,000 active gun dealers, creating a vast supply chain that is "
        "difficult to monitor."
    )
    for seed in range(30):
        for draft in generate(source, seed=seed, pool=pool()):
            if draft.kind == "single":
                for choice in draft.data["choices"]:
                    assert int(choice["text"].replace(",", "")) >= 75000


def test_distractors_are_of_the_key_s_kind_distinct_and_not_in_the_sentence():
    for draft in drafts_for(SAMPLE_SEED):
        if draft.kind != "single":
            continue
        texts = [c["text"] for c in draft.data["choices"]]
        assert len(texts) == 4 and len({t.casefold() for t in texts}) == 4, draft.key
        wrong = [t for t in texts if t != correct_text(draft)]
        sentence = draft.quote.replace(draft.blank, " ", 1)
        for text in wrong:
            assert not re.search(rf"(?<!\w){re.escape(text)}(?!\w)", sentence), (draft.key, text)
        if draft.rule in ("choice-year",):
            assert all(re.fullmatch(r"(19|20)\d\d", t) for t in texts), draft.key
        if draft.rule == "choice-number":
            assert all(re.fullmatch(r"[\d,.]+", t) for t in texts), draft.key
        if draft.rule == "choice-month":
            assert set(texts) <= MONTHS


def test_the_key_position_varies_with_the_seed():
    draft = next(d for d in drafts_for(SAMPLE_SEED) if d.kind == "single")
    positions = set()
    for seed in range(20):
        (same,) = [
            d
            for d in generate_all(pack_sources(SEEDS), seed=seed, pool=pool())
            if d.key == draft.key
        ]
        positions.add([c["correct"] for c in same.data["choices"]].index(True))
    assert len(positions) >= 3


def test_the_same_seed_gives_the_same_drafts_and_another_seed_other_choices():
    again = tuple(
        generate_all(
            pack_sources(SEEDS),
            seed=SAMPLE_SEED,
            pool=build_pool((s.text for s in pack_sources(SEEDS)), lexicon=lexicon()),
        )
    )
    assert again == drafts_for(SAMPLE_SEED)
    other = drafts_for(SAMPLE_SEED + 1)
    # The same questions (keys and rules never depend on the seed, so re-running adds nothing)…
    assert [d.key for d in other] == [d.key for d in drafts_for(SAMPLE_SEED)]
    # …with the choices in another order, or other distractors.
    choices = [
        (tuple(c["text"] for c in a.data["choices"]), tuple(c["text"] for c in b.data["choices"]))
        for a, b in zip(drafts_for(SAMPLE_SEED), other, strict=True)
        if a.kind == "single"
    ]
    assert sum(1 for a, b in choices if a != b) >= len(choices) // 2


def test_the_limit_takes_drafts_in_turn_from_each_rule():
    drafts = [d for d in drafts_for(SAMPLE_SEED) if d.source == "ellis-organized-crime"]
    chosen = select(drafts, 6)
    assert len(chosen) == 6
    assert len({d.rule for d in chosen}) == 6
    assert [d for d in drafts if d in chosen] == chosen  # still in text order
    assert select(drafts, None) == drafts


# ---------------------------------------------------------------------------------------------
# Every draft, on every source and on a text the rules have never seen


@pytest.mark.parametrize(
    "slug",
    [
        "new-lines-militarization",
        "ellis-organized-crime",
        "leahy-ai-overview",
        "al-jazeera-guns",
        "factually-drug-policy",
        "ardle-flood",
    ],
)
def test_every_draft_cites_one_sentence_that_anchors_holds_the_key_and_has_valid_data(slug):
    if slug == "ardle-flood":
        source = flood_source()
        drafts = generate(
            source, seed=SAMPLE_SEED, pool=build_pool([source.text], lexicon=lexicon())
        )
        assert len(drafts) >= 6
        assert {d.kind for d in drafts} == {"short", "single", "numeric"}
    else:
        source = next(s for s in pack_sources(SEEDS) if s.slug == slug)
        drafts = [d for d in drafts_for(SAMPLE_SEED) if d.source == slug]
    assert drafts
    for draft in drafts:
        found = anchor(source.text, draft.quote)
        assert (found.start, found.end) == (draft.start, draft.end)
        assert source.text[draft.start : draft.end] == draft.quote
        if draft.rule == "choice-source":  # "which source is this sentence from?"
            assert draft.stem.endswith(f"“{draft.quote}”") and correct_text(draft) == source.label
            assert len({c["text"] for c in draft.data["choices"]}) == 4
            continue
        assert draft.quote.count(draft.blank) >= 1 and BLANK in draft.stem
        shown = draft.quote.replace(draft.blank, BLANK, 1).rstrip(".")
        assert shown in draft.stem, draft.key
        validate_spec(draft.kind, draft.data)
        if draft.kind == "single":
            assert correct_text(draft) == draft.blank
        if draft.kind == "short":
            assert draft.data["accepted"][0] == draft.blank
        assert re.fullmatch(rf"gen-{draft.source}-{draft.rule}-[0-9a-f]{{8}}", draft.key)
        assert (
            draft.explanation.startswith(f"From {source.label}")
            and draft.quote in draft.explanation
        )
    assert len({d.key for d in drafts}) == len(drafts)


def test_no_draft_starts_from_a_rejected_sentence():
    for draft in drafts_for(SAMPLE_SEED):
        assert rejection(draft.quote) is None


# ---------------------------------------------------------------------------------------------
# The hand-labelled sample


def sample() -> list[dict[str, str]]:
    return tomllib.loads(SAMPLE.read_text(encoding="utf-8"))["draft"]


def test_the_sample_was_chosen_by_the_fixed_rule_and_its_labels_still_apply():
    # The rule, fixed before judging: seed 1, the five sources in pack order, every k-th draft
    # with k = total // 40 (at least 1), so at least 40 drafts spread over sources and types.
    drafts = drafts_for(SAMPLE_SEED)
    k = max(1, len(drafts) // 40)
    chosen = drafts[::k]
    labelled = sample()
    assert len(labelled) >= 40
    assert [item["key"] for item in labelled] == [d.key for d in chosen]
    for item, draft in zip(labelled, chosen, strict=True):
        # If the generator changes what a sampled draft says, its label no longer applies.
        assert (item["rule"], item["type"], item["stem"]) == (draft.rule, draft.kind, draft.stem)
        assert item["verdict"] in ("accept", "reject") and item["reason"]
    assert len({item["type"] for item in labelled}) == 3
    assert len({d.source for d in chosen}) == 5


def test_at_least_70_percent_of_the_blind_sample_is_acceptable():
    verdicts = Counter(item["verdict"] for item in sample())
    assert verdicts["accept"] / sum(verdicts.values()) >= 0.70


def test_the_failure_patterns_found_in_the_sample_do_not_come_back():
    # Rejected in earlier rounds of labelling and fixed since: a place next to a geographic
    # clue the distractors contradict, a date whose neighbours in a list give it away, a
    # small town among big cities, a year distractor one year off, and the source's slips.
    clue = "The state of Tamaulipas, bordering the United States in the northeast of Mexico, is the focus of multiple routes for moving drugs."
    assert "state" not in keys_of(clue)
    dates = "In Quintana Roo, high-profile assassinations on tourist beaches in May 2021, December 2021, and January 2022 accentuated the insecurity."
    assert not {"year", "month", "state"} & set(keys_of(dates))
    town = one_sentence(
        "In June 2022, a local leader killed two Jesuit priests in the town of Cerocahui, raising the prospect of more violence."
    )
    assert [d.rule for d in generate(town, seed=SAMPLE_SEED, pool=pool())] == ["blank-city"]
    for draft in drafts_for(SAMPLE_SEED):
        if draft.rule == "choice-year":
            others = [int(c["text"]) for c in draft.data["choices"] if not c["correct"]]
            assert all(abs(year - int(draft.blank)) >= 2 for year in others), draft.key
        assert not re.search(r"\b(?:a|an|the) (?:a|an|the)\b|\w+ly us\b", draft.stem)


def test_the_real_pack_s_lexicon_names_its_groups_cartels():
    assert lexicon().group_kind == "cartel"


# ---------------------------------------------------------------------------------------------
# Issue 14: who says it, context, one fact once, dates within the source's time


def test_the_ai_overview_is_attributed_to_the_text_not_to_the_man_who_posted_it():
    overview = [d for d in drafts_for(SAMPLE_SEED) if d.source == "leahy-ai-overview"]
    assert overview
    for draft in overview:
        said = " ".join(
            [draft.stem, draft.explanation] + [c["feedback"] for c in draft.data.get("choices", [])]
        )
        assert "the AI-generated text posted by Norb Leahy" in draft.stem
        assert "Norb Leahy writes" not in said and "from Norb Leahy" not in said


def test_no_draft_rests_on_a_sentence_that_points_back_to_the_one_before():
    for draft in drafts_for(SAMPLE_SEED):
        assert not re.match(r"(?:Specifically|In particular|In addition,|Moreover)", draft.quote)


def test_year_distractors_are_never_after_the_source_was_published():
    published = {source.slug: source.published for source in pack_sources(SEEDS)}
    for seed in (1, 7, 42):
        for draft in drafts_for(seed):
            if draft.rule != "choice-year":
                continue
            until = max(int(published[draft.source][:4]), int(draft.blank))
            years = [int(choice["text"]) for choice in draft.data["choices"]]
            assert max(years) <= until, draft.key


def test_month_distractors_are_no_month_the_source_names_in_the_same_year():
    texts = {source.slug: source.text for source in pack_sources(SEEDS)}
    for seed in (1, 7, 42):
        for draft in drafts_for(seed):
            if draft.rule != "choice-month":
                continue
            year = re.search(rf"{BLANK}\s+(\d{{4}})", draft.stem)
            assert year, draft.key
            named = set(re.findall(rf"\b([A-Z][a-z]+) {year[1]}\b", texts[draft.source]))
            wrong = {c["text"] for c in draft.data["choices"] if not c["correct"]}
            assert not wrong & named, (draft.key, wrong & named)


def test_a_figure_two_sources_give_is_drafted_once_in_a_queue():
    ranges = [d for d in drafts_for(SAMPLE_SEED) if "200,000" in d.answer]
    assert [d.source for d in ranges] == ["new-lines-militarization"]


def test_no_choice_for_guerrero_is_a_state_ellis_says_the_same_of():
    # Ellis: "The state of Guerrero is a focal point for growing heroin poppies…", and
    # elsewhere the "golden triangle", where Chihuahua, Durango and Sinaloa meet, "a key area
    # for growing heroin poppies": those three would be right answers marked wrong.
    from quizzes.generator.distractors import distractors_for

    ellis = next(source for source in pack_sources(SEEDS) if source.slug == "ellis-organized-crime")
    (unit,) = [u for u in units(ellis) if u.text.startswith("The state of Guerrero is")]
    key = the_key(unit.text, "state")
    offered = set()
    for seed in range(30):
        choices = distractors_for(unit.text, key, pool(), random.Random(seed), ellis)
        assert choices is not None
        offered |= set(choices)
    assert offered.isdisjoint({"Chihuahua", "Durango", "Sinaloa"})
    without_source = distractors_for(unit.text, key, pool(), random.Random(0), None)
    assert without_source is not None  # the rule needs the source's other sentences
    # Nor is Guerrero made a blank there: Chihuahua, Durango or Sinaloa would fill it as well.
    assert all(draft.quote != unit.text for draft in drafts_for(SAMPLE_SEED))
