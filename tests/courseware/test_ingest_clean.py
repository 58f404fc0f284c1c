"""Decoding, normalising and cleaning source text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.ingest import CleanRules, RemovedLine, SourceFileError, decode, ingest

ARTICLE = (
    "The first paragraph of the article is long enough to count as real content here.\n\n"
    "The second paragraph of the article carries on with more real content for a while.\n\n"
    "The third paragraph closes the article with a last sentence of real content."
)


NO_RULES = CleanRules()


def _blocks(raw: str, rules: CleanRules = NO_RULES) -> list[str]:
    return [block.text for block in ingest(raw, rules).blocks]


# decode


def test_it_decodes_utf8_bytes() -> None:
    assert decode("Culiacán, Sinaloa".encode()) == "Culiacán, Sinaloa"


def test_it_strips_a_utf8_byte_order_mark() -> None:
    assert decode(b"\xef\xbb\xbfHello") == "Hello"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n ", b"\xef\xbb\xbf", "\u200b\n".encode()])
def test_an_empty_file_is_refused_as_empty(data: bytes) -> None:
    with pytest.raises(SourceFileError, match="The file is empty"):
        decode(data)


def test_a_file_with_nul_bytes_is_refused_as_binary() -> None:
    with pytest.raises(SourceFileError, match=r"binary file.*plain text \(\.txt\)"):
        decode(b"Some text\x00\x00\x01 more")


def test_a_file_full_of_control_bytes_is_refused_as_binary() -> None:
    with pytest.raises(SourceFileError, match="binary file"):
        decode(bytes(range(1, 32)) * 10 + b"text")


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"%PDF-1.7\n...", "PDF"), (b"PK\x03\x04rest", "Word document")],
)
def test_a_pdf_or_word_file_is_refused_as_binary_naming_what_it_is(data: bytes, kind: str) -> None:
    with pytest.raises(SourceFileError, match=f"binary file.*{kind}.*plain text"):
        decode(data)


def test_latin1_bytes_are_refused_naming_the_byte_offset_and_utf8() -> None:
    with pytest.raises(SourceFileError, match=r"offset 8 \(0xF3\).*UTF-8") as error:
        decode("Nuevo León".encode("latin-1"))

    assert isinstance(error.value, ValueError)


def test_utf16_text_is_refused_with_advice_to_save_as_utf8() -> None:
    with pytest.raises(SourceFileError, match=r"UTF-16.*UTF-8"):
        decode("Hello".encode("utf-16"))


def test_a_stray_control_byte_is_tolerated_and_dropped() -> None:
    raw = decode(b"One \x07bell in a long enough line of otherwise ordinary text, fine.")

    assert _blocks(raw) == ["One bell in a long enough line of otherwise ordinary text, fine."]


# normalising


def test_crlf_and_cr_line_ends_give_the_same_document_as_lf() -> None:
    lf = "Title\n\nFirst line.\nScroll to Top\n"

    assert ingest(lf.replace("\n", "\r\n")) == ingest(lf) == ingest(lf.replace("\n", "\r"))


def test_a_crlf_counts_as_one_line_for_removed_line_numbers() -> None:
    document = ingest("Title\r\n\r\nText.\r\nScroll to Top\r\n")

    assert document.removed == (RemovedLine(4, "Scroll to Top", "boilerplate: Scroll to Top"),)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["Scroll to Top", " Body\ttext. ", "", "Read more >", "Post a Comment"]
            ),
            st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0c", "\x85"]),
        ),
        max_size=12,
    )
)
def test_removed_line_numbers_agree_with_str_splitlines(lines: list[tuple[str, str]]) -> None:
    raw = "".join(line + end for line, end in lines)
    raw_lines = raw.splitlines()

    for removed in ingest(raw).removed:
        assert " ".join(raw_lines[removed.line_no - 1].split()) == removed.text


def test_decomposed_accents_are_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Michoacán and Benítez.")

    assert _blocks(nfd) == ["Michoacán and Benítez."]


def test_zero_width_characters_and_byte_order_marks_are_removed() -> None:
    assert _blocks("\ufeffNo\u200bw the car\u00adtel\u200d sp\u2060oke.") == [
        "Now the cartel spoke."
    ]


def test_unicode_spaces_and_tabs_become_one_space_and_lines_are_stripped() -> None:
    raw = "  In\u00a0Mexico\u2009City,\t\tpolice   acted\u3000fast.  "

    assert _blocks(raw) == ["In Mexico City, police acted fast."]


def test_typographic_quotes_and_apostrophes_are_kept() -> None:
    assert _blocks("Mexico’s “El Mencho” said ‘no’ — twice.") == [
        "Mexico’s “El Mencho” said ‘no’ — twice."
    ]


# general rules


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Scroll to Top", "boilerplate: Scroll to Top"),
        ("Read more", "boilerplate: Read more link"),
        ("Read more >", "boilerplate: Read more link"),
        ("Read more »", "boilerplate: Read more link"),
        ("READ MORE…", "boilerplate: Read more link"),
        ("No comments", "boilerplate: comment counter"),
        ("No comments:", "boilerplate: comment counter"),
        ("3 comments:", "boilerplate: comment counter"),
        ("Post a Comment", "boilerplate: Post a Comment"),
        ("Loading...", "boilerplate: loading placeholder"),
        ("Loading...Goal: 1,000 supporters", "boilerplate: loading placeholder"),
        ("https://www.google.com/search?q=what+is+mexico+doing", "boilerplate: bare URL"),
        ("www.example.org/page", "boilerplate: bare URL"),
        ("Keep Factually independent", "donation banner"),
        ("Donate now!", "donation banner"),
        (
            "We don't take money from political groups - even a $5 donation helps us keep it.",
            "donation banner",
        ),
    ],
)
def test_a_web_page_leftover_line_is_removed_and_reported(line: str, reason: str) -> None:
    document = ingest(f"{ARTICLE}\n\n{line}\n\nThe end of the article.")

    assert document.removed == (RemovedLine(7, line, reason),)
    assert line not in document.text


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the cartels in the report of the Senate committee.",
        "Scroll to the top of the page to find the map of Sinaloa.",
        "She said no comments were made by the police.",
        "Loading docks in Manzanillo handle precursor chemicals.",
        "See https://www.gob.mx for the official statement.",
        "The fund helps us understand how donations to campaigns work.",
        "Our donation to the clinic was small.",
        "Norb Leahy, Dunwoody GA Tea Party Leader",
        "Checked on November 15, 2025",
        "Disclaimer: Factually can make mistakes. Please verify important info. Learn more.",
        "What are the gun purchase laws in Mexico?",
    ],
)
def test_real_content_resembling_a_leftover_is_kept(line: str) -> None:
    document = ingest(f"{ARTICLE}\n\n{line}")

    assert document.removed == ()
    assert line in _blocks(document.text)


def test_a_suggested_questions_list_is_removed_with_its_questions() -> None:
    raw = (
        f"{ARTICLE}\n\nWant to dive deeper?\nHow did demand shape production?\n\n"
        "What role did gun laws play?\nThe article resumes here."
    )
    document = ingest(raw)

    assert [(line.line_no, line.reason) for line in document.removed] == [
        (7, "suggested questions: Want to dive deeper?"),
        (8, "suggested questions: after 'Want to dive deeper?'"),
        (10, "suggested questions: after 'Want to dive deeper?'"),
    ]
    assert _blocks(raw)[-1] == "The article resumes here."


@pytest.mark.parametrize("intro", ["Related questions", "People also ask", "Want to dive deeper?"])
def test_a_questions_list_heading_alone_is_removed_but_the_next_statement_kept(
    intro: str,
) -> None:
    document = ingest(f"{ARTICLE}\n{intro}\nA statement follows.")

    assert [line.text for line in document.removed] == [intro]
    assert document.blocks[-1].text == "A statement follows."


@pytest.mark.parametrize(
    "trailer", ["More Commentary", "More Articles", "Related Articles", "You may also like"]
)
def test_a_trailer_heading_cuts_itself_and_everything_after_it(trailer: str) -> None:
    document = ingest(f"{ARTICLE}\n\n{trailer}\n\nAnother Story\n\nIts teaser.\n\nRead more >")

    assert [(line.line_no, line.reason) for line in document.removed] == [
        (7, f"trailer: {trailer}"),
        (9, f"trailer: after {trailer!r}"),
        (11, f"trailer: after {trailer!r}"),
        (13, "boilerplate: Read more link"),
    ]
    assert document.text == ARTICLE


def test_a_trailer_heading_near_the_top_does_not_cut_the_article() -> None:
    raw = f"Related Articles\n\n{ARTICLE}\n\n{ARTICLE}"

    assert ingest(raw).removed == ()


def test_blank_lines_are_never_reported() -> None:
    document = ingest(f"{ARTICLE}\n\nMore Commentary\n\n\n\nTeaser.\n\n")

    assert [line.line_no for line in document.removed] == [7, 11]


# per-source rules


def test_rules_are_read_from_a_toml_like_mapping() -> None:
    rules = CleanRules.from_mapping(
        {"drop_lines": ["Author", "Image: .*"], "unwrap": True, "headings": ["Intro"]}
    )

    assert rules == CleanRules(drop_lines=("Author", "Image: .*"), unwrap=True, headings=("Intro",))


def test_an_empty_mapping_gives_the_default_rules() -> None:
    assert CleanRules.from_mapping({}) == CleanRules()


def test_an_unknown_rule_key_is_refused_naming_the_key() -> None:
    with pytest.raises(ValueError, match="drop_line"):
        CleanRules.from_mapping({"drop_line": ["Author"]})


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"drop_lines": "Author"}, "drop_lines"),
        ({"cut_from": [1]}, "cut_from"),
        ({"cut_until": None}, "cut_until"),
        ({"unwrap": "yes"}, "unwrap"),
        ({"unwrap": 1}, "unwrap"),
        ({"headings": [["nested"]]}, "headings"),
        ({"not_headings": 3}, "not_headings"),
    ],
)
def test_a_rule_of_the_wrong_type_is_refused_naming_the_key(
    data: dict[str, object], key: str
) -> None:
    with pytest.raises(ValueError, match=f"^{key} must be"):
        CleanRules.from_mapping(data)


@pytest.mark.parametrize("key", ["drop_lines", "cut_from", "cut_until"])
def test_an_invalid_regex_is_refused_naming_the_pattern(key: str) -> None:
    with pytest.raises(ValueError, match=r"'Image: \(\.\*'"):
        CleanRules.from_mapping({key: ["Author", "Image: (.*"]})


def test_drop_lines_removes_only_lines_the_pattern_fully_matches() -> None:
    raw = "Author\n\nAuthor of the report, Evan Ellis, wrote this.\n\nImage: a road sign."
    document = ingest(raw, CleanRules(drop_lines=("Author", "Image: .*")))

    assert _blocks(document.text) == ["Author of the report, Evan Ellis, wrote this."]
    assert [(line.line_no, line.reason) for line in document.removed] == [
        (1, "source rule: drop_lines 'Author'"),
        (5, "source rule: drop_lines 'Image: .*'"),
    ]


def test_cut_from_removes_the_matching_line_and_everything_after() -> None:
    raw = "Body one.\n\nSee also\n\nOther story.\n\nSee also"
    document = ingest(raw, CleanRules(cut_from=("See also",)))

    assert document.text == "Body one."
    assert [(line.line_no, line.reason) for line in document.removed] == [
        (3, "source rule: cut_from 'See also'"),
        (5, "source rule: cut_from 'See also'"),
        (7, "source rule: cut_from 'See also'"),
    ]


def test_cut_until_removes_everything_before_the_first_matching_line() -> None:
    raw = "Menu\nHome | News\n\nThe Title\n\nBody."
    document = ingest(raw, CleanRules(cut_until=("The Title",)))

    assert _blocks(document.text) == ["The Title", "Body."]
    assert [line.reason for line in document.removed] == ["source rule: cut_until 'The Title'"] * 2


def test_a_rule_that_matches_nothing_changes_nothing() -> None:
    rules = CleanRules(cut_from=("Nope",), cut_until=("Nope",), drop_lines=("Nope",))

    assert ingest(ARTICLE, rules) == ingest(ARTICLE)


def test_a_line_removed_by_a_general_rule_is_reported_once_with_the_general_reason() -> None:
    document = ingest(f"{ARTICLE}\n\nScroll to Top", CleanRules(drop_lines=("Scroll to Top",)))

    assert document.removed == (RemovedLine(7, "Scroll to Top", "boilerplate: Scroll to Top"),)


def test_source_rules_see_lines_after_normalisation() -> None:
    document = ingest(
        "Image:\u00a0\u00a0a  caption\n\nBody.", CleanRules(drop_lines=("Image: .*",))
    )

    assert document.removed == (
        RemovedLine(1, "Image: a caption", "source rule: drop_lines 'Image: .*'"),
    )


# unwrapping


UNWRAP = CleanRules(unwrap=True)


def test_unwrap_joins_a_single_word_line_to_the_next() -> None:
    assert _blocks("Bilateral\ncooperation with the U.S.\nJoint framework: text.", UNWRAP) == [
        "Bilateral cooperation with the U.S.",
        "Joint framework: text.",
    ]


def test_unwrap_joins_a_line_continued_in_lowercase_across_several_lines() -> None:
    raw = "US\nsanctions and visa actions: The US has been using tools and visa\nrevocations."

    assert _blocks(raw, UNWRAP) == [
        "US sanctions and visa actions: The US has been using tools and visa revocations."
    ]


def test_unwrap_joins_a_single_word_line_even_before_a_capital() -> None:
    assert _blocks("In\nAugust 2025, the US Treasury acted.", UNWRAP) == [
        "In August 2025, the US Treasury acted."
    ]
    assert _blocks("In-fighting:\nCartels like Sinaloa fight.", UNWRAP) == [
        "In-fighting: Cartels like Sinaloa fight."
    ]


def test_unwrap_keeps_a_short_lead_in_line_ending_in_a_colon() -> None:
    assert _blocks("Challenges include:\nIn-fighting:\nCartels fight.", UNWRAP) == [
        "Challenges include:",
        "In-fighting: Cartels fight.",
    ]


def test_unwrap_never_joins_after_sentence_punctuation() -> None:
    assert _blocks("It ended.\nthen more.\nWhy?\nbecause.\n“Yes!”\nno.", UNWRAP) == [
        "It ended.",
        "then more.",
        "Why?",
        "because.",
        "“Yes!”",
        "no.",
    ]


def test_unwrap_never_joins_across_a_blank_or_removed_line() -> None:
    assert _blocks("Political\n\nand more.\nOngoing\nScroll to Top\ncartel violence", UNWRAP) == [
        "Political",
        "and more.",
        "Ongoing",
        "cartel violence",
    ]


def test_lines_are_not_unwrapped_unless_the_rules_ask_for_it() -> None:
    assert _blocks("Bilateral\ncooperation with the U.S.") == [
        "Bilateral",
        "cooperation with the U.S.",
    ]
