"""Anchoring teacher quotes to exact offsets in source text, and choosing selectors."""

from __future__ import annotations

import random
import time
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from courseware.ingest import (
    Anchor,
    QuoteAmbiguous,
    QuoteError,
    QuoteNotFound,
    anchor,
    selector,
)

GUNS = (
    "Under Mexico’s Federal Law on Firearms and Explosives, civilians may legally buy limited "
    "firearms – such as small handguns – and only through two military-run stores: DCAM in "
    "Mexico City and OTCA in Apodaca, Nuevo Leon.\n\n"
    "According to Benjamin Smith, a professor at the University of Warwick, cartels bypass "
    "these restrictions.\n\n"
    "Known as “El Mencho”, he was killed in Tapalpa. The CJNG operates in Michoacán, "
    "Culiacán and beyond; Humberto Benítez Trevino spoke."
)

REPEATED = (
    "The cartel grew. In Sinaloa the cartel fought. In Jalisco the cartel fought. "
    "In Sinaloa the cartel grew."
)


def _span(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _anchored(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int]:
    result = anchor(text, exact, prefix, suffix)
    assert result.exact == text[result.start : result.end]
    return result.start, result.end


# exact and tolerated differences


def test_it_anchors_a_quote_that_occurs_once() -> None:
    start, end = _span(GUNS, "two military-run stores")

    assert anchor(GUNS, "two military-run stores") == Anchor(start, end, "two military-run stores")


def test_quote_with_straight_apostrophe_anchors_on_typographic_one() -> None:
    result = anchor(GUNS, "Under Mexico's Federal Law")

    assert result.exact == "Under Mexico’s Federal Law"
    assert (result.start, result.end) == _span(GUNS, "Under Mexico’s Federal Law")


def test_quote_with_typographic_apostrophe_anchors_on_straight_one() -> None:
    text = "The cartel's reach grew."

    assert anchor(text, "cartel’s reach").exact == "cartel's reach"


@pytest.mark.parametrize("mark", ["‘", "‛", "′", "'"])
def test_every_single_quote_variant_matches_the_typographic_apostrophe(mark: str) -> None:
    assert anchor(GUNS, f"Mexico{mark}s Federal").exact == "Mexico’s Federal"


@pytest.mark.parametrize("quotes", ['""', "„“", "″″", "””", "“”"])
def test_every_double_quote_variant_matches_typographic_double_quotes(quotes: str) -> None:
    quote = f"Known as {quotes[0]}El Mencho{quotes[1]}, he"

    assert anchor(GUNS, quote).exact == "Known as “El Mencho”, he"


def test_typographic_double_quotes_in_the_quote_match_straight_ones_in_the_text() -> None:
    text = 'He called it an "invasion" of Mexico.'

    assert anchor(text, "an “invasion” of").exact == 'an "invasion" of'


@pytest.mark.parametrize("dash", ["-", "–", "—", "‐", "‑"])
def test_every_dash_variant_matches_every_other(dash: str) -> None:
    assert anchor(GUNS, f"firearms {dash} such as").exact == "firearms – such as"
    assert anchor(GUNS, f"military{dash}run").exact == "military-run"


@pytest.mark.parametrize(
    "quote",
    [
        "two  military-run   stores",
        "two\tmilitary-run\u00a0stores",
        "two\nmilitary-run\r\nstores",
        "  two military-run stores \n",
    ],
)
def test_whitespace_differences_in_the_quote_are_ignored(quote: str) -> None:
    assert _anchored(GUNS, quote) == _span(GUNS, "two military-run stores")


def test_a_single_space_in_the_quote_matches_a_paragraph_break_in_the_text() -> None:
    start, end = _anchored(GUNS, "Apodaca, Nuevo Leon. According to Benjamin Smith")

    assert GUNS[start:end] == "Apodaca, Nuevo Leon.\n\nAccording to Benjamin Smith"


def test_a_quote_spanning_two_paragraphs_keeps_its_line_breaks_in_exact() -> None:
    quote = "these restrictions.\n\nKnown as “El Mencho”"

    assert anchor(GUNS, quote.replace("\n\n", "\n")).exact == quote


def test_a_quote_without_whitespace_does_not_match_text_with_whitespace() -> None:
    with pytest.raises(QuoteNotFound):
        anchor(GUNS, "twomilitary-run stores")


def test_zero_width_characters_on_either_side_are_ignored() -> None:
    text = "The car\u200btel of Sinaloa."

    assert anchor(text, "cartel of").exact == "car\u200btel of"
    assert anchor("The cartel of Sinaloa.", "cart\u200bel\u00ad of").exact == "cartel of"


# non-ASCII names and normalisation


@pytest.mark.parametrize("name", ["Michoacán", "Culiacán", "Benítez Trevino"])
def test_non_ascii_names_anchor_exactly(name: str) -> None:
    assert _anchored(GUNS, name) == _span(GUNS, name)


@pytest.mark.parametrize("name", ["Michoacán", "Culiacán", "Benítez"])
def test_a_decomposed_quote_matches_composed_text(name: str) -> None:
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name

    assert anchor(GUNS, nfd).exact == name


def test_a_composed_quote_matches_decomposed_text_covering_its_combining_marks() -> None:
    text = unicodedata.normalize("NFD", "In Michoacán, CJNG fights. In Culiacán, too.")
    result = anchor(text, "In Culiacán")

    assert result.exact == unicodedata.normalize("NFD", "In Culiacán")
    assert unicodedata.normalize("NFC", result.exact) == "In Culiacán"


def test_accents_are_significant_but_the_error_offers_the_unaccented_text() -> None:
    with pytest.raises(QuoteNotFound) as error:
        anchor(GUNS, "Apodaca, Nuevo León")

    assert str(error.value) == (
        'Quote not found: "Apodaca, Nuevo León". '
        'Nearest text in the source: "Apodaca, Nuevo Leon" (score 95).'
    )
    assert error.value.nearest == "Apodaca, Nuevo Leon"
    assert (error.value.nearest_start, error.value.nearest_end) == _span(
        GUNS, "Apodaca, Nuevo Leon"
    )
    assert error.value.score is not None and 94 < error.value.score < 96
    assert error.value.matches == 0


def test_case_is_significant() -> None:
    with pytest.raises(QuoteNotFound) as error:
        anchor(GUNS, "mexico city")

    assert error.value.nearest == "Mexico City"


def test_a_quote_must_not_stop_between_a_letter_and_its_combining_mark() -> None:
    text = "The band Spinal Tap n\u0308 played."

    with pytest.raises(QuoteNotFound):
        anchor(text, "Tap n")
    assert anchor(text, "Tap n\u0308").exact == "Tap n\u0308"


# position


def test_a_quote_at_the_very_start_of_the_text() -> None:
    assert _anchored(GUNS, "Under Mexico’s") == (0, len("Under Mexico’s"))


def test_a_quote_at_the_very_end_of_the_text() -> None:
    assert _anchored(GUNS, "Trevino spoke.") == (len(GUNS) - len("Trevino spoke."), len(GUNS))


def test_the_whole_text_is_a_quote_of_itself() -> None:
    assert _anchored(GUNS, " ".join(GUNS.split())) == (0, len(GUNS))


# repeated phrases


def test_a_repeated_phrase_without_context_is_ambiguous() -> None:
    with pytest.raises(QuoteAmbiguous) as error:
        anchor(REPEATED, "the cartel fought")

    assert str(error.value) == (
        'Quote "the cartel fought" matches 2 places; add a prefix or suffix '
        "(the words just before or after) to choose one."
    )
    assert error.value.matches == 2
    assert error.value.spans == (
        _span(REPEATED, "the cartel fought"),
        _span(REPEATED, "the cartel fought", 1),
    )


def test_a_repeated_phrase_is_resolved_by_a_prefix() -> None:
    assert _anchored(REPEATED, "the cartel fought", prefix="In Jalisco ") == _span(
        REPEATED, "the cartel fought", 1
    )


def test_a_repeated_phrase_is_resolved_by_a_suffix() -> None:
    assert _anchored(REPEATED, "the cartel", suffix=" grew.") == _span(REPEATED, "the cartel", 2)


def test_a_repeated_phrase_is_resolved_by_prefix_and_suffix_together() -> None:
    # "In Sinaloa the cartel" occurs twice, "the cartel fought" twice; both together once.
    assert _anchored(REPEATED, "the cartel", prefix="In Sinaloa", suffix="fought") == _span(
        REPEATED, "the cartel", 0
    )


def test_prefix_and_suffix_tolerate_the_same_differences_as_the_quote() -> None:
    text = "Mexico’s  army\nfought. Mexico’s army fought—and won."

    assert anchor(text, "army fought", prefix="Mexico's", suffix="-and").start == text.rindex(
        "army"
    )
    assert anchor(text, "fought", prefix="Mexico's \t army", suffix=".").start == text.index(
        "fought"
    )


def test_a_prefix_that_does_not_narrow_enough_is_still_ambiguous() -> None:
    with pytest.raises(QuoteAmbiguous, match="matches 2 places; make the prefix or suffix longer"):
        anchor(REPEATED, "the cartel", prefix="Sinaloa")


def test_a_wrong_prefix_names_the_actual_prefix_of_the_nearest_occurrence() -> None:
    with pytest.raises(QuoteNotFound) as error:
        anchor(REPEATED, "the cartel fought", prefix="In Jalisko")

    assert str(error.value) == (
        'Quote "the cartel fought" occurs 2 times in the source, but not with that prefix and '
        'suffix: the nearest occurrence is preceded by "In Jalisco" rather than "In Jalisko". '
        "Correct the prefix or suffix (the words just before or after the quote)."
    )
    assert error.value.matches == 2
    assert error.value.nearest == "the cartel fought"
    assert (error.value.nearest_start, error.value.nearest_end) == _span(
        REPEATED, "the cartel fought", 1
    )


def test_a_wrong_suffix_names_the_actual_suffix() -> None:
    with pytest.raises(
        QuoteNotFound, match=r'followed by "\. In Jalisco" rather than "\. In Jaliscx"'
    ):
        anchor(REPEATED, "Sinaloa the cartel fought", suffix=". In Jaliscx")


def test_a_prefix_longer_than_the_text_before_the_quote_finds_nothing() -> None:
    with pytest.raises(QuoteNotFound, match="occurs once"):
        anchor(GUNS, "Under Mexico’s", prefix="Long ago. ")


def test_a_suffix_longer_than_the_text_after_the_quote_finds_nothing() -> None:
    with pytest.raises(QuoteNotFound, match=r'followed by "" rather than "Then more\."'):
        anchor(GUNS, "Trevino spoke.", suffix=" Then more.")


def test_a_prefix_or_suffix_given_for_a_unique_quote_must_still_fit() -> None:
    assert anchor(GUNS, "Tapalpa", prefix="killed in", suffix=".").exact == "Tapalpa"
    with pytest.raises(QuoteNotFound):
        anchor(GUNS, "Tapalpa", prefix="born in")


def test_overlapping_occurrences_count_as_separate_matches() -> None:
    with pytest.raises(QuoteAmbiguous) as error:
        anchor("aaa", "aa")

    assert error.value.spans == ((0, 2), (1, 3))
    assert anchor("aaa", "aa", suffix="a").start == 0


# errors


@pytest.mark.parametrize("quote", ["", "   ", "\n\n", "\u200b"])
def test_an_empty_quote_is_an_error(quote: str) -> None:
    with pytest.raises(QuoteError, match="The quote is empty") as error:
        anchor(GUNS, quote)

    assert not isinstance(error.value, (QuoteNotFound, QuoteAmbiguous))
    assert isinstance(error.value, ValueError)


def test_a_quote_with_a_typo_is_not_found_but_its_nearest_text_is_named() -> None:
    with pytest.raises(QuoteNotFound) as error:
        anchor(GUNS, "cartels bypas these restrictions")

    assert error.value.nearest == "cartels bypass these restrictions"
    assert error.value.score is not None and 90 < error.value.score < 100
    assert "(score 9" in str(error.value)
    assert 'Nearest text in the source: "cartels bypass these restrictions"' in str(error.value)


def test_a_quote_from_another_source_names_no_nearest_text() -> None:
    with pytest.raises(QuoteNotFound) as error:
        anchor(GUNS, "zzzz qqqq xxxx")

    assert error.value.nearest is None
    assert error.value.score is None
    assert "Nothing in the source resembles it" in str(error.value)


def test_any_quote_in_an_empty_text_is_not_found() -> None:
    with pytest.raises(QuoteNotFound):
        anchor("", "anything")


def test_a_very_long_quote_is_shortened_in_the_message_but_kept_on_the_error() -> None:
    quote = "word " * 100
    with pytest.raises(QuoteNotFound) as error:
        anchor(GUNS, quote)

    assert error.value.quote == quote
    assert len(str(error.value)) < 600


def test_anchoring_a_long_text_is_fast() -> None:
    words = [f"w{random.Random(seed).randrange(10**6)}" for seed in range(7000)]
    text = " ".join(words)[:40_000]
    quote = text[20_000:20_300]
    typo = quote[:150] + "#" + quote[151:]

    started = time.perf_counter()
    anchor(text, quote)
    found = time.perf_counter() - started
    started = time.perf_counter()
    with pytest.raises(QuoteNotFound):
        anchor(text + " ", typo)
    not_found = time.perf_counter() - started

    assert found < 0.05
    assert not_found < 0.05


# selector


def test_a_unique_span_needs_no_selector() -> None:
    assert selector(GUNS, *_span(GUNS, "Tapalpa")) == ("", "")


def test_the_selector_is_the_shortest_context_that_makes_the_span_unique() -> None:
    text = "the cat and the dog"

    assert selector(text, 12, 15) == ("", " d")
    assert selector(text, 0, 3) == ("", " c")


def test_the_selector_uses_both_sides_when_one_is_not_enough() -> None:
    # The first "the cartel": "…o " rules out Jalisco, " f…" rules out "grew".
    start, end = _span(REPEATED, "the cartel", 0)
    prefix, suffix = selector(REPEATED, start, end)

    assert (prefix, suffix) == ("a ", " f")
    assert _anchored(REPEATED, "the cartel", prefix, suffix) == (start, end)


def test_the_selector_stays_within_the_context_when_it_can() -> None:
    start, end = _span(REPEATED, "the cartel", 2)
    prefix, suffix = selector(REPEATED, start, end, context=4)

    assert len(prefix) <= 4 and len(suffix) <= 4


def test_the_selector_grows_beyond_the_context_when_it_must() -> None:
    text = "na " * 40 + "Batman"
    start = 3 * 20

    prefix, suffix = selector(text, start, start + 2, context=4)

    assert _anchored(text, "na", prefix, suffix) == (start, start + 2)


def test_the_selector_refuses_a_span_outside_the_text() -> None:
    with pytest.raises(ValueError):
        selector("short", 2, 9)


def test_the_selector_refuses_an_empty_span() -> None:
    with pytest.raises(QuoteError):
        selector(GUNS, 5, 5)


def test_a_selected_span_with_surrounding_whitespace_anchors_on_its_words() -> None:
    start, end = _span(REPEATED, " the cartel ", 1)

    result = anchor(REPEATED, REPEATED[start:end], *selector(REPEATED, start, end))

    assert (result.start, result.end) == (start + 1, end - 1)


# properties

_ALPHABET = "aab AB.,’'“”\"–—-\n\t\u00a0éñ"


@st.composite
def _text_and_slice(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(st.text(alphabet=_ALPHABET, min_size=1, max_size=80))
    i = draw(st.integers(0, len(text) - 1))
    j = draw(st.integers(i + 1, len(text)))
    assume(text[i:j].strip())
    return text, i, j


@given(_text_and_slice())
def test_any_slice_anchors_back_to_itself_with_its_selector(case: tuple[str, int, int]) -> None:
    text, i, j = case
    prefix, suffix = selector(text, i, j)

    result = anchor(text, text[i:j], prefix, suffix)

    assert result.exact == text[i:j].strip()
    leading = len(text[i:j]) - len(text[i:j].lstrip())
    trailing = len(text[i:j]) - len(text[i:j].rstrip())
    assert (result.start, result.end) == (i + leading, j - trailing)


@given(_text_and_slice())
def test_the_selector_is_at_most_the_context_or_needed_to_be_longer(
    case: tuple[str, int, int],
) -> None:
    text, i, j = case
    prefix, suffix = selector(text, i, j, context=8)

    if len(prefix) > 8 or len(suffix) > 8:
        # Only when no pair of 8-character contexts tells this span apart.
        with pytest.raises(QuoteAmbiguous):
            anchor(text, text[i:j], text[max(0, i - 8) : i], text[j : j + 8])


@given(_text_and_slice())
def test_a_slice_anchors_whatever_its_quote_marks_and_whitespace(
    case: tuple[str, int, int],
) -> None:
    text, i, j = case
    prefix, suffix = selector(text, i, j)
    variant = text[i:j].translate(str.maketrans("’“”–—\t\u00a0", '\'""--  '))

    result = anchor(text, unicodedata.normalize("NFD", variant), prefix, suffix)

    assert result.exact == text[i:j].strip()
