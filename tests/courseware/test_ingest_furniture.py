"""Page furniture recognised by general rules: each kind removed with its reason, real lines
that resemble it kept, blocks of furniture, dead links at a line's end, and the one list the
question generator shares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.ingest import CleanRules, RemovedLine, ingest
from courseware.ingest.boilerplate import BOILERPLATE, boilerplate_phrase, furniture
from quizzes.generator.filters import rejection

ARTICLE = (
    "The first paragraph of the article is long enough to count as real content here.\n\n"
    "The second paragraph of the article carries on with more real content for a while.\n\n"
    "The third paragraph closes the article with a last sentence of real content."
)


NO_RULES = CleanRules()


def _removed(line: str, rules: CleanRules = NO_RULES) -> tuple[RemovedLine, ...]:
    return ingest(f"{ARTICLE}\n\n{line}\n\nThe end of the article.", rules).removed


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Skip to main content", "boilerplate: skip link"),
        ("Skip to content", "boilerplate: skip link"),
        ("Skip navigation", "boilerplate: skip link"),
        ("Home | World | Politics | Economy", "boilerplate: navigation menu"),
        ("News · Opinion · Podcasts · Events", "boilerplate: navigation menu"),
        ("Search | Log in | Subscribe", "boilerplate: navigation menu"),
        ("Toggle navigation", "boilerplate: navigation menu"),
        ("Home > World > Americas > Mexico", "boilerplate: breadcrumbs"),
        ("Home / Research / Reports", "boilerplate: breadcrumbs"),
        ("Home » Analysis", "boilerplate: breadcrumbs"),
        ("World › Americas › Mexico", "boilerplate: breadcrumbs"),
        ("Share this article", "boilerplate: share bar"),
        ("Share", "boilerplate: share bar"),
        ("Share:", "boilerplate: share bar"),
        ("Share on Facebook", "boilerplate: share bar"),
        ("Facebook | X | LinkedIn | Email | Print", "boilerplate: share bar"),
        ("Facebook Twitter WhatsApp", "boilerplate: share bar"),
        ("Copy link", "boilerplate: share bar"),
        ("Follow us on X and LinkedIn", "boilerplate: share bar"),
        ("Sign up for our newsletter", "boilerplate: newsletter sign-up"),
        ("Subscribe to our weekly newsletter!", "boilerplate: newsletter sign-up"),
        (
            "Get the latest analysis delivered to your inbox every Thursday.",
            "boilerplate: newsletter sign-up",
        ),
        ("Enter your email address", "boilerplate: newsletter sign-up"),
        ("Email address", "boilerplate: newsletter sign-up"),
        ("Subscribe", "boilerplate: newsletter sign-up"),
        ("Sign up now", "boilerplate: newsletter sign-up"),
        (
            "We use cookies to give you the best experience on our website.",
            "boilerplate: cookie notice",
        ),
        (
            "This site uses cookies. By continuing to browse, you agree to our use of cookies.",
            "boilerplate: cookie notice",
        ),
        ("Accept all cookies", "boilerplate: cookie notice"),
        ("Reject", "boilerplate: cookie notice"),
        ("Manage preferences", "boilerplate: cookie notice"),
        ("© 2026 The Policy Digest. All rights reserved.", "boilerplate: copyright line"),
        ("Copyright 2025 Example Media Group", "boilerplate: copyright line"),
        ("(c) 2024 Somebody", "boilerplate: copyright line"),
        ("All rights reserved.", "boilerplate: copyright line"),
        ("Privacy Policy | Terms of Use | Contact Us", "boilerplate: legal links"),
        (
            "Privacy Policy | Terms of Use | Cookie Settings | Contact Us",
            "boilerplate: legal links",
        ),
        ("Terms of Service", "boilerplate: legal links"),
        ("Click here to read Part II.", "boilerplate: dead link"),
        ("Click here for the full report", "boilerplate: dead link"),
        ("Read Part 2 of this series", "boilerplate: dead link"),
        ("Download the full report (PDF)", "boilerplate: dead link"),
        ("(opens in a new window)", "boilerplate: dead link"),
        ("8 min read", "boilerplate: reading time"),
        ("Related: How the security strategy changed", "boilerplate: related link"),
        ("See also: the 2025 review", "boilerplate: related link"),
        ("Advertisement", "boilerplate: advertisement"),
        ("Sponsored content", "boilerplate: advertisement"),
        ("Leave a reply", "boilerplate: Post a Comment"),
        ("Older posts", "boilerplate: blog navigation"),
    ],
)
def test_a_kind_of_page_furniture_is_removed_and_reported_with_its_reason(
    line: str, reason: str
) -> None:
    assert _removed(line) == (RemovedLine(7, line, reason),)


@pytest.mark.parametrize(
    "line",
    [
        "Home",
        "Security",
        "Americas",
        "Share prices fell after the tariffs were announced in February.",
        "Facebook removed the cartel's recruitment pages in 2024.",
        "The cartels share information about routes with allied groups.",
        "Many readers subscribe to the view that the border cannot be closed.",
        "The newsletter of the Sinaloa Cartel is a myth spread by the press.",
        "Police found cookies and chocolate in the seized truck.",
        "Copyright law in Mexico protects software less than in the United States.",
        "The companies reserved all their rights under the treaty.",
        "Mexico's privacy law of 2025 worries civil-liberties groups.",
        "Click-through rates on cartel videos rose sharply.",
        "Part II of the law covers extradition.",
        "Congress could hold hearings, conduct delegations, or engage in official correspondence.",
        "Related measures passed the Senate in July.",
        "The report took 8 minutes to read aloud in the chamber.",
        "He said the advertisement had been paid for by the party.",
        "Terms of the agreement were not made public.",
        "Sign language interpreters attended the hearing.",
        "Accept the terms, the minister told the governors, or lose the funds.",
        "Home > away: the team won every match in Sinaloa that year, a record",
    ],
)
def test_a_real_line_that_resembles_furniture_is_kept(line: str) -> None:
    document = ingest(f"{ARTICLE}\n\n{line}")

    assert document.removed == ()
    assert document.blocks[-1].text == line


# blocks of furniture


def test_a_short_line_inside_a_block_of_furniture_goes_with_it() -> None:
    raw = f"Skip to main content\nThe Policy Digest\nHome | World | Politics\nSearch\n\n{ARTICLE}"
    reasons = [(line.line_no, line.reason) for line in ingest(raw).removed]

    assert reasons == [
        (1, "boilerplate: skip link"),
        (2, "boilerplate: in a block of page furniture"),
        (3, "boilerplate: navigation menu"),
        (4, "boilerplate: navigation menu"),
    ]


def test_a_vertical_menu_with_a_home_or_search_item_is_removed() -> None:
    raw = f"Home\nWorld\nPolitics\nOpinion\nAbout us\n\n{ARTICLE}"

    assert [line.text for line in ingest(raw).removed] == [
        "Home",
        "World",
        "Politics",
        "Opinion",
        "About us",
    ]


def test_a_list_of_section_names_without_a_menu_item_is_kept() -> None:
    raw = f"{ARTICLE}\n\nRegions covered\nAmericas\nEurope\nAsia\n\nThe end."

    assert ingest(raw).removed == ()


def test_a_block_mostly_of_real_lines_is_kept_around_one_furniture_line() -> None:
    raw = f"{ARTICLE}\n\nSinaloa Cartel\nJalisco Cartel\nGulf Cartel\nShare\n\nThe end."

    assert [line.text for line in ingest(raw).removed] == ["Share"]


def test_a_furniture_notice_wrapped_over_two_lines_goes_whole() -> None:
    raw = (
        f"{ARTICLE}\n\nWe use cookies to give you the best experience on our website. By\n"
        "continuing to browse the site, you agree to our use of cookies.\nAccept all cookies"
    )
    document = ingest(raw, CleanRules(unwrap=True))

    assert [line.line_no for line in document.removed] == [7, 8, 9]
    assert "cookies" not in document.text


# dead links at the end of a line


def test_a_dead_link_at_the_end_of_a_line_is_cut_and_the_sentence_before_kept() -> None:
    raw = (
        f"{ARTICLE}\n\nThis article represents Part I of a two-part series on Mexico. "
        "Click here to read Part II."
    )
    document = ingest(raw)

    assert document.removed == (
        RemovedLine(7, "Click here to read Part II.", "boilerplate: dead link"),
    )
    assert document.blocks[-1].text == (
        "This article represents Part I of a two-part series on Mexico."
    )
    assert document.text.endswith("on Mexico.")


def test_keep_lines_keeps_a_line_with_a_dead_link_whole() -> None:
    line = "The series has two parts. Click here to read Part II."
    rules = CleanRules(keep_lines=(r"The series has two parts\..*",))

    assert ingest(f"{ARTICLE}\n\n{line}", rules).blocks[-1].text == line


@pytest.mark.parametrize(
    "line",
    [
        "Click here to read Part II.",  # alone: the whole line goes
        "Readers can click here to learn more about the fund.",  # not at a sentence start
        "The governor said: click here. Nobody did.",
    ],
)
def test_only_a_trailing_link_after_a_sentence_is_cut(line: str) -> None:
    document = ingest(f"{ARTICLE}\n\n{line}")

    assert all(removed.text == line for removed in document.removed)


# keep_lines, the teacher's override


def test_keep_lines_keeps_a_line_a_general_rule_would_remove() -> None:
    rules = CleanRules(keep_lines=("Subscribe",))

    assert _removed("Subscribe", rules) == ()


def test_keep_lines_does_not_override_the_sources_own_drop_rules() -> None:
    rules = CleanRules(keep_lines=("Subscribe",), drop_lines=("Subscribe",))

    assert [line.reason for line in _removed("Subscribe", rules)] == [
        "source rule: drop_lines 'Subscribe'"
    ]


def test_keep_lines_is_read_from_a_mapping_and_an_invalid_one_is_refused() -> None:
    assert CleanRules.from_mapping({"keep_lines": ["Share"]}) == CleanRules(keep_lines=("Share",))
    with pytest.raises(ValueError, match="keep_lines"):
        CleanRules.from_mapping({"keep_lines": ["(unclosed"]})


# the one list, shared with the generator


def test_every_entry_has_a_reason_and_a_pattern() -> None:
    assert all(entry.reason and (entry.line or entry.phrase) for entry in BOILERPLATE)
    assert len({entry.reason for entry in BOILERPLATE}) == len(BOILERPLATE)


@pytest.mark.parametrize(
    "sentence",
    [
        "Subscribe to our newsletter for weekly analysis of the border.",
        "We use cookies to improve the experience of every reader of this site.",
        "Follow us on social media for more reporting on cartel violence.",
        "Copyright 2026 Example Media, reproduced with the permission of the editors.",
        "Click here to read the second part of the series on cartel finances.",
        "The views expressed in this article are those of the author alone.",
    ],
)
def test_the_generator_never_asks_about_a_sentence_the_list_names(sentence: str) -> None:
    assert boilerplate_phrase(sentence) is not None
    assert rejection(sentence) == "boilerplate"


def test_a_whole_furniture_line_is_boilerplate_to_the_generator_too() -> None:
    for line in ("Skip to main content", "Accept all cookies", "Home > World > Mexico"):
        assert furniture(line) is not None
        assert boilerplate_phrase(line) == furniture(line)


@given(st.text(alphabet=st.sampled_from("ab .,|>©:"), max_size=40))
def test_cleaning_never_fails_and_reports_only_non_blank_lines(line: str) -> None:
    document = ingest(f"{ARTICLE}\n{line}\n{line}")

    assert all(removed.text and removed.reason for removed in document.removed)
