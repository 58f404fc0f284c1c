"""IMS QTI 2.1 content package: a zip with imsmanifest.xml (IMS Content Packaging 1.1), one
assessmentItem per question and one assessmentTest that lists them in order, each weighted by
the question's points.

Every kind goes in, each with a responseProcessing written out in full (not a template
reference) that gives Fuente's score as SCORE, a share of the marks from 0 to 1:

* single → choiceInteraction, maxChoices 1; 1 for the key, else 0;
* multiple → choiceInteraction; right_minus_wrong scoring (R correct and W incorrect
  choices) is a mapping of +W per correct choice and -R per incorrect one (lower bound 0)
  divided by R × W; proportional is +1 and -1 divided by R; all-or-nothing (a quiz setting)
  is "the response matches the correct one";
* true_false → choiceInteraction of two choices, TRUE and FALSE;
* numeric → textEntryInteraction, float: 1 when low <= response <= high (answer ± tolerance or
  min to max, both ends included); the unit is shown after the box as in Fuente;
* short → textEntryInteraction, string: a case-insensitive mapping of each accepted answer and
  the forms Fuente's normalising would also accept that can be listed (see accepted_forms);
  a short answer's patterns cannot be listed and are left out (export.pattern_notes says so);
* ordering → orderInteraction: each item's place is read with <index>, each pair of items in
  the right order counts 1, and SCORE is the share of pairs, as in Fuente;
* matching → matchInteraction: left-hand items against right-hand options (pairs' and
  distractors'), each left matched once; SCORE is the share of left items matched right.

The feedback (modalFeedback GENERAL, shown once the item is answered) is the explanation and
every citation: the quoted words and an absolute link that opens them highlighted; per-choice
feedback goes in a modalFeedback keyed by the choice. What QTI cannot say is in
docs/qti.md.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from quizzes.grading import DEFAULT_SCORING, SpecError, validate_spec
from quizzes.short_answers import ARTICLES

from .model import ExportQuestion, Skipped
from .render import clean, general_feedback, html_block, html_inline, numeric, plain

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_TYPE = "imsqti_item_xmlv2p1"
TEST_TYPE = "imsqti_test_xmlv2p1"
TEST_FILE = "assessmentTest.xml"
# A fixed time for every entry, so the same questions give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.-]")


def q(tag: str) -> str:
    """A QTI element's tag. Elements are written unqualified under a root that declares the
    QTI namespace as the default (ElementTree cannot write a default namespace together with
    unqualified attributes)."""
    return tag


def write(
    questions: Iterable[ExportQuestion],
    out: IO[bytes],
    *,
    title: str,
    identifier: str,
    multiple_scoring: str = DEFAULT_SCORING,
) -> list[Skipped]:
    """Write the questions as a QTI 2.1 content package (a zip) to out; return those left
    out (only questions whose data does not pass Fuente's own check), with the reason.

    title names the assessmentTest; identifier (a quiz or course slug) makes the package's
    identifiers; multiple_scoring is the quiz's rule for multiple response.
    """
    skipped: list[Skipped] = []
    files: list[tuple[str, bytes]] = []
    refs: list[tuple[str, str, Decimal]] = []  # (item identifier, file, points)
    used: set[str] = set()
    for question in questions:
        try:
            validate_spec(question.kind, question.data)
        except SpecError as error:
            reason = _("its answer data is not valid (%(error)s); fix it in the admin first.")
            skipped.append(Skipped(question.key, reason % {"error": error}))
            continue
        ident = unique_identifier(question.key, used, prefix="Q")
        path = f"items/{ident}.xml"
        files.append((path, document(item(question, ident, multiple_scoring=multiple_scoring))))
        refs.append((ident, path, question.points))
    test_ident = unique_identifier(identifier, used, prefix="T")
    files.insert(0, (TEST_FILE, document(assessment_test(refs, title=title, ident=test_ident))))
    manifest = document(_manifest(files, test_ident=test_ident))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, content in [("imsmanifest.xml", manifest), *files]:
            package.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), content)
    return skipped


def unique_identifier(text: str, used: set[str], *, prefix: str) -> str:
    """An NCName made from text (what QTI and CP identifiers must be), unique among used."""
    base = _NOT_NCNAME.sub("_", text)[:100]
    if not base or not (base[0].isalpha() or base[0] == "_"):
        base = f"{prefix}_{base}"
    ident, n = base, 1
    while ident in used:
        n += 1
        ident = f"{base}_{n}"
    used.add(ident)
    return ident


def document(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()


def html(fragment: str) -> list[ET.Element]:
    """render's escaped HTML (p, br, blockquote, a, character references) as QTI elements."""
    holder = ET.fromstring(f"<div>{fragment.replace('<br>', '<br/>')}</div>")
    return list(holder)


def _inline(parent: ET.Element, text: str) -> None:
    """Plain text as the inline content of parent (a choice, an item, a match option)."""
    holder = ET.fromstring(f"<s>{html_inline(text).replace('<br>', '<br/>')}</s>")
    parent.text = holder.text
    parent.extend(list(holder))


def _sub(parent: ET.Element, tag: str, attrs: Mapping[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, q(tag), dict(attrs or {}))


def _value(parent: ET.Element, base_type: str, value: str) -> ET.Element:
    node = _sub(parent, "baseValue", {"baseType": base_type})
    node.text = value
    return node


def _variable(parent: ET.Element, ident: str) -> ET.Element:
    return _sub(parent, "variable", {"identifier": ident})


def _set(parent: ET.Element, ident: str) -> ET.Element:
    return _sub(parent, "setOutcomeValue", {"identifier": ident})


def _outcome(
    root: ET.Element, ident: str, base_type: str, *, cardinality: str = "single", default: str = ""
) -> None:
    node = _sub(root, "outcomeDeclaration", {"identifier": ident, "cardinality": cardinality})
    node.set("baseType", base_type)
    if default:
        _sub(_sub(node, "defaultValue"), "value").text = default


# Items


def item(question: ExportQuestion, ident: str, *, multiple_scoring: str) -> ET.Element:
    root = ET.Element(
        q("assessmentItem"),
        {
            "xmlns": QTI,
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}",
            "identifier": ident,
            "title": clean(question.key)[:256],
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    kind = question.kind
    data = question.data
    body = ET.Element(q("itemBody"))
    body.extend(html(html_block(question.stem)))
    rules = ET.Element(q("responseProcessing"))
    feedback: list[tuple[str, str]] = []  # (identifier, plain text)
    if kind in ("single", "multiple"):
        feedback = _choice_item(
            root,
            body,
            rules,
            data,
            multiple=kind == "multiple",
            scoring="all_or_nothing" if kind == "single" else multiple_scoring,
        )
    elif kind == "true_false":
        feedback = _true_false_item(root, body, rules, data)
    elif kind == "numeric":
        _numeric_item(root, body, rules, data)
    elif kind == "short":
        _short_item(root, body, rules, data)
    elif kind == "ordering":
        _ordering_item(root, body, rules, data)
    else:
        _matching_item(root, body, rules, data)
    # FEEDBACK: GENERAL (explanation and citations) always, and the ids of the picked choices.
    show = _sub(_set(rules, "FEEDBACK"), "multiple")
    if feedback:
        _variable(show, "RESPONSE")
    _value(show, "identifier", "GENERAL")
    _outcome(root, "FEEDBACK", "identifier", cardinality="multiple")
    root.append(body)
    root.append(rules)
    for choice_id, text in feedback:
        _modal(root, choice_id, html(html_block(text)))
    _modal(root, "GENERAL", html(general_feedback(question)))
    return root


def _score_outcomes(root: ET.Element) -> None:
    _outcome(root, "SCORE", "float", default="0")
    _outcome(root, "MAXSCORE", "float", default="1")


def _response(
    root: ET.Element, cardinality: str, base_type: str, correct: Sequence[str] = ()
) -> ET.Element:
    node = ET.Element(
        q("responseDeclaration"),
        {"identifier": "RESPONSE", "cardinality": cardinality, "baseType": base_type},
    )
    # Declarations come first in an item, before the outcomes.
    root.insert(sum(1 for c in root if c.tag == q("responseDeclaration")), node)
    if correct:
        values = _sub(node, "correctResponse")
        for value in correct:
            _sub(values, "value").text = value
    return node


def _modal(root: ET.Element, ident: str, content: list[ET.Element]) -> None:
    if not content:
        return
    node = _sub(
        root,
        "modalFeedback",
        {"outcomeIdentifier": "FEEDBACK", "identifier": ident, "showHide": "show"},
    )
    node.extend(content)


def _if_null_zero(rules: ET.Element) -> ET.Element:
    """responseIf RESPONSE is NULL: SCORE 0; returns the responseElse to fill."""
    condition = _sub(rules, "responseCondition")
    when = _sub(condition, "responseIf")
    _sub(_sub(when, "isNull"), "variable", {"identifier": "RESPONSE"})
    _value(_set(when, "SCORE"), "float", "0")
    return _sub(condition, "responseElse")


def _score_if(rules: ET.Element) -> ET.Element:
    """responseIf <condition to fill>: SCORE 1, else SCORE 0; returns the condition's parent."""
    condition = _sub(rules, "responseCondition")
    when = _sub(condition, "responseIf")
    test = ET.SubElement(when, q("and"))
    _value(_set(when, "SCORE"), "float", "1")
    _value(_set(_sub(condition, "responseElse"), "SCORE"), "float", "0")
    return test


def choice_ids(count: int) -> list[str]:
    return [f"C{n}" for n in range(1, count + 1)]


def _choice_item(
    root: ET.Element,
    body: ET.Element,
    rules: ET.Element,
    data: Any,
    *,
    multiple: bool,
    scoring: str,
) -> list[tuple[str, str]]:
    choices = data["choices"]
    ids = choice_ids(len(choices))
    correct = [i for i, c in zip(ids, choices, strict=True) if c["correct"]]
    cardinality = "multiple" if multiple else "single"
    declaration = _response(root, cardinality, "identifier", correct)
    _score_outcomes(root)
    interaction = _sub(
        body,
        "choiceInteraction",
        {
            "responseIdentifier": "RESPONSE",
            "shuffle": "true",
            "maxChoices": "1" if cardinality == "single" else "0",
        },
    )
    for ident, choice in zip(ids, choices, strict=True):
        _inline(_sub(interaction, "simpleChoice", {"identifier": ident}), choice["text"])
    if scoring == "all_or_nothing":
        test = _score_if(rules)
        match = _sub(test, "match")
        _variable(match, "RESPONSE")
        _sub(match, "correct", {"identifier": "RESPONSE"})
    else:
        # right_minus_wrong: right/R - wrong/W = (right × W - wrong × R) / (R × W);
        # proportional: (right - wrong) / R. Never below 0. Whole numbers in the mapping, so
        # that all R right picks give exactly 1.
        right_count, wrong_count = len(correct), len(choices) - len(correct)
        gain, cost = (wrong_count, right_count) if scoring == "right_minus_wrong" else (1, 1)
        mapping = _sub(declaration, "mapping", {"lowerBound": "0", "defaultValue": "0"})
        for ident, choice in zip(ids, choices, strict=True):
            _sub(
                mapping,
                "mapEntry",
                {"mapKey": ident, "mappedValue": str(gain if choice["correct"] else -cost)},
            )
        divide = _sub(_set(_if_null_zero(rules), "SCORE"), "divide")
        _sub(divide, "mapResponse", {"identifier": "RESPONSE"})
        _value(divide, "float", str(right_count * gain))
    return [
        (ident, choice["feedback"])
        for ident, choice in zip(ids, choices, strict=True)
        if str(choice.get("feedback", "")).strip()
    ]


def _true_false_item(
    root: ET.Element, body: ET.Element, rules: ET.Element, data: Any
) -> list[tuple[str, str]]:
    _response(root, "single", "identifier", ["TRUE" if data["answer"] else "FALSE"])
    _score_outcomes(root)
    interaction = _sub(
        body,
        "choiceInteraction",
        {"responseIdentifier": "RESPONSE", "shuffle": "false", "maxChoices": "1"},
    )
    _sub(interaction, "simpleChoice", {"identifier": "TRUE"}).text = _("True")
    _sub(interaction, "simpleChoice", {"identifier": "FALSE"}).text = _("False")
    test = _score_if(rules)
    match = _sub(test, "match")
    _variable(match, "RESPONSE")
    _sub(match, "correct", {"identifier": "RESPONSE"})
    feedback = [("TRUE", data.get("feedback_true", "")), ("FALSE", data.get("feedback_false", ""))]
    return [(ident, text) for ident, text in feedback if str(text).strip()]


def _numeric_item(root: ET.Element, body: ET.Element, rules: ET.Element, data: Any) -> None:
    value = numeric(data)
    _response(root, "single", "float", [plain(value.answer)])
    _score_outcomes(root)
    line = _sub(body, "p")
    box = _sub(line, "textEntryInteraction", {"responseIdentifier": "RESPONSE"})
    box.set("expectedLength", str(max(8, len(plain(value.high)) + 2)))
    if value.unit:
        box.tail = f" {clean(value.unit)}"
    test = _score_if(rules)
    for operator, bound in (("gte", value.low), ("lte", value.high)):
        compare = _sub(test, operator)
        _variable(compare, "RESPONSE")
        _value(compare, "float", plain(bound))


def _short_item(root: ET.Element, body: ET.Element, rules: ET.Element, data: Any) -> None:
    accepted = [clean(text).strip() for text in data["accepted"]]
    declaration = _response(root, "single", "string", accepted[:1])
    _score_outcomes(root)
    mapping = _sub(declaration, "mapping", {"defaultValue": "0", "upperBound": "1"})
    for key in accepted_forms(accepted):
        _sub(
            mapping,
            "mapEntry",
            {"mapKey": key, "mappedValue": "1", "caseSensitive": "false"},
        )
    _sub(_sub(body, "p"), "textEntryInteraction", {"responseIdentifier": "RESPONSE"})
    _sub(_set(_if_null_zero(rules), "SCORE"), "mapResponse", {"identifier": "RESPONSE"})


def fold(text: str) -> str:
    """Text without accents, punctuation or extra spaces, lower case: the form of an accepted
    answer a student is most likely to type that Fuente accepts and an exact match would not."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        category = unicodedata.category(char)
        if category == "Pd" or char.isspace():
            kept.append(" ")
        elif category[0] != "P" and category not in ("Cc", "Cf"):
            kept.append(char)
    return " ".join("".join(kept).split())


def accepted_forms(accepted: Sequence[str]) -> list[str]:
    """Each accepted answer, its folded form, and each with and without a leading "the" (or,
    for one starting with another article, without it); distinct once case is ignored (a
    mapping's keys must differ)."""
    seen: set[str] = set()
    keys: list[str] = []
    for answer in accepted:
        for form in (answer, fold(answer)):
            words = form.split()
            extra = []
            if len(words) > 1 and fold(words[0]) in ARTICLES:
                extra.append(" ".join(words[1:]))
            else:
                extra.append(f"the {form}")
            for key in (form, *extra):
                if key and key.casefold() not in seen:
                    seen.add(key.casefold())
                    keys.append(key)
    return keys


def _ordering_item(root: ET.Element, body: ET.Element, rules: ET.Element, data: Any) -> None:
    items = data["items"]
    ids = [f"O{n}" for n in range(1, len(items) + 1)]
    _response(root, "ordered", "identifier", ids)
    _score_outcomes(root)
    for ident in ids:
        _outcome(root, f"PLACE_{ident}", "integer")
    _outcome(root, "PAIRS", "integer", default="0")
    interaction = _sub(
        body, "orderInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true"}
    )
    for ident, entry in zip(ids, items, strict=True):
        _inline(_sub(interaction, "simpleChoice", {"identifier": ident}), entry["text"])
    # Each item's place in the answer: PLACE_x = n when the n-th item given is x.
    for place in range(1, len(ids) + 1):
        for ident in ids:
            condition = _sub(rules, "responseCondition")
            when = _sub(condition, "responseIf")
            match = _sub(when, "match")
            _variable(_sub(match, "index", {"n": str(place)}), "RESPONSE")
            _value(match, "identifier", ident)
            _value(_set(when, f"PLACE_{ident}"), "integer", str(place))
    # Each pair in the right order (both placed, the first one earlier) counts one.
    for index, first in enumerate(ids):
        for second in ids[index + 1 :]:
            condition = _sub(rules, "responseCondition")
            when = _sub(condition, "responseIf")
            less = _sub(when, "lt")
            _variable(less, f"PLACE_{first}")
            _variable(less, f"PLACE_{second}")
            total = _sub(_set(when, "PAIRS"), "sum")
            _variable(total, "PAIRS")
            _value(total, "integer", "1")
    pairs = len(ids) * (len(ids) - 1) // 2
    divide = _sub(_set(rules, "SCORE"), "divide")
    _variable(divide, "PAIRS")
    _value(divide, "float", str(pairs))


def _matching_item(root: ET.Element, body: ET.Element, rules: ET.Element, data: Any) -> None:
    pairs = data["pairs"]
    distractors = data.get("distractors", ())
    lefts = [f"L{n}" for n in range(1, len(pairs) + 1)]
    rights = [f"R{n}" for n in range(1, len(pairs) + 1)]
    others = [f"D{n}" for n in range(1, len(distractors) + 1)]
    correct = [f"{left} {right}" for left, right in zip(lefts, rights, strict=True)]
    declaration = _response(root, "multiple", "directedPair", correct)
    _score_outcomes(root)
    mapping = _sub(declaration, "mapping", {"defaultValue": "0"})
    for pair in correct:
        _sub(mapping, "mapEntry", {"mapKey": pair, "mappedValue": "1"})
    interaction = _sub(
        body,
        "matchInteraction",
        {"responseIdentifier": "RESPONSE", "shuffle": "true", "maxAssociations": str(len(pairs))},
    )
    left_set = _sub(interaction, "simpleMatchSet")
    for ident, pair in zip(lefts, pairs, strict=True):
        choice = _sub(left_set, "simpleAssociableChoice", {"identifier": ident, "matchMax": "1"})
        _inline(choice, pair["left"])
    right_set = _sub(interaction, "simpleMatchSet")
    options = [(r, p["right"]) for r, p in zip(rights, pairs, strict=True)]
    options += [(d, o["text"]) for d, o in zip(others, distractors, strict=True)]
    for ident, text in options:
        # In Fuente an option may answer several left-hand items.
        choice = _sub(
            right_set,
            "simpleAssociableChoice",
            {"identifier": ident, "matchMax": str(len(pairs))},
        )
        _inline(choice, text)
    divide = _sub(_set(_if_null_zero(rules), "SCORE"), "divide")
    _sub(divide, "mapResponse", {"identifier": "RESPONSE"})
    _value(divide, "float", str(len(pairs)))


# The test and the manifest


def assessment_test(
    refs: Sequence[tuple[str, str, Decimal]], *, title: str, ident: str
) -> ET.Element:
    """One test part and one section with every item in order; the test's SCORE is the sum
    of each item's SCORE times its points, as a quiz's total is in Fuente."""
    root = ET.Element(
        q("assessmentTest"),
        {
            "xmlns": QTI,
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}",
            "identifier": ident,
            "title": clean(title)[:256] or ident,
            "toolName": "Fuente",
        },
    )
    _outcome(root, "SCORE", "float", default="0")
    total = sum((points for _ident, _path, points in refs), Decimal(0))
    _outcome(root, "MAXSCORE", "float", default=plain(total))
    part = _sub(
        root,
        "testPart",
        {"identifier": "PART", "navigationMode": "nonlinear", "submissionMode": "simultaneous"},
    )
    section = _sub(
        part,
        "assessmentSection",
        {"identifier": "SECTION", "title": clean(title)[:256] or ident, "visible": "false"},
    )
    for item_ident, path, points in refs:
        ref = _sub(section, "assessmentItemRef", {"identifier": item_ident, "href": path})
        _sub(ref, "weight", {"identifier": "WEIGHT", "value": plain(points)})
    processing = _sub(root, "outcomeProcessing")
    _sub(
        _sub(_set(processing, "SCORE"), "sum"),
        "testVariables",
        {"variableIdentifier": "SCORE", "weightIdentifier": "WEIGHT"},
    )
    return root


def _manifest(files: Sequence[tuple[str, bytes]], *, test_ident: str) -> ET.Element:
    def cp(tag: str) -> str:
        return tag

    root = ET.Element(
        cp("manifest"),
        {
            "xmlns": CP,
            f"{{{XSI}}}schemaLocation": f"{CP} {CP_XSD}",
            "identifier": f"MANIFEST_{test_ident}",
        },
    )
    metadata = ET.SubElement(root, cp("metadata"))
    ET.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    ET.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
    ET.SubElement(root, cp("organizations"))
    resources = ET.SubElement(root, cp("resources"))
    items = [path for path, _content in files if path != TEST_FILE]
    test = ET.SubElement(
        resources,
        cp("resource"),
        {"identifier": f"RES_{test_ident}", "type": TEST_TYPE, "href": TEST_FILE},
    )
    ET.SubElement(test, cp("file"), {"href": TEST_FILE})
    for path in items:
        ET.SubElement(test, cp("dependency"), {"identifierref": _resource_id(path)})
    for path in items:
        resource = ET.SubElement(
            resources,
            cp("resource"),
            {"identifier": _resource_id(path), "type": ITEM_TYPE, "href": path},
        )
        ET.SubElement(resource, cp("file"), {"href": path})
    return root


def _resource_id(path: str) -> str:
    return "RES_" + path.removeprefix("items/").removesuffix(".xml")
