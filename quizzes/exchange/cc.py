"""IMS Common Cartridge 1.1 with one assessment: a quiz in the cartridge's QTI 1.2.1 profile,
which Moodle (Restore, its imscc11 converter) and Canvas (Import course content > Common
Cartridge) both read into a quiz and its questions.

The zip holds imsmanifest.xml (one organization item pointing at the assessment resource,
type imsqti_xmlv1p2/imscc_xmlv1p1/assessment) and {identifier}/assessment.xml, a
questestinterop with one assessment, one section and an item per question. The profile has
five question types; Fuente's kinds go in as:

* single → cc.multiple_choice.v0p1: one respcondition sets SCORE 100 for the key;
* multiple → cc.multiple_response.v0p1: SCORE 100 for exactly the correct choices (the
  profile's only scoring); Moodle's importer makes each correct choice worth 1/k and an
  incorrect one 0, Canvas scores its own partial credit;
* true_false → cc.true_false.v0p1, choices "true" and "false" (the identifiers Moodle's
  importer requires);
* short → cc.fib.v0p1: every accepted answer (and the forms Fuente would also accept that can
  be listed) in the respcondition that sets 100, not case-sensitive;
* numeric, ordering, matching: the profile has no such type; they are left out with the
  reason (use QTI 2.1 or Moodle XML).

Each item's general feedback (an itemfeedback shown by a respcondition that continues) holds
the explanation and every citation, with an absolute link that opens the quoted words; the
stem and the texts are escaped HTML in mattext texttype="text/html", as Moodle's own
Common Cartridge export writes them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _

from quizzes.grading import SpecError, validate_spec

from .model import ExportQuestion, Skipped
from .qti import ZIP_TIME, accepted_forms, document, unique_identifier
from .render import clean, general_feedback, html_block, html_inline

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd"
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOM_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
PROFILES = {
    "single": "cc.multiple_choice.v0p1",
    "multiple": "cc.multiple_response.v0p1",
    "true_false": "cc.true_false.v0p1",
    "short": "cc.fib.v0p1",
}
MAX_WEIGHT = 99  # Moodle's importer reads cc_weighting as a whole number from 0 to 99
RESPONSE = "response1"


def write(
    questions: Iterable[ExportQuestion], out: IO[bytes], *, title: str, identifier: str
) -> list[Skipped]:
    """Write a Common Cartridge 1.1 (a zip) with the questions as one assessment titled title
    to out; return those left out, with the reason (kinds the cartridge's QTI profile has no
    type for, and data that does not pass Fuente's own check)."""
    skipped: list[Skipped] = []
    used: set[str] = set()
    ident = unique_identifier(identifier, used, prefix="A")
    root = ET.Element(
        "questestinterop", {"xmlns": QTI, f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_XSD}"}
    )
    assessment = ET.SubElement(
        root, "assessment", {"ident": f"{ident}_assessment", "title": clean(title) or ident}
    )
    _metadata(
        ET.SubElement(assessment, "qtimetadata"),
        [
            ("cc_profile", "cc.exam.v0p1"),
            ("qmd_assessmenttype", "Examination"),
            ("qmd_scoretype", "Percentage"),
            ("qmd_feedbackpermitted", "Yes"),
            ("qmd_hintspermitted", "No"),
            ("qmd_solutionspermitted", "Yes"),
        ],
    )
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for question in questions:
        reason = _problem(question)
        if reason is not None:
            skipped.append(Skipped(question.key, reason))
            continue
        _item(section, question, unique_identifier(question.key, used, prefix="Q"))
    if not len(section):
        # The profile needs at least one item in the section; an empty quiz is not a quiz.
        raise ValueError(_("None of these questions can go into a Common Cartridge quiz."))
    path = f"{ident}/assessment.xml"
    files = [("imsmanifest.xml", document(_manifest(ident, path, title))), (path, document(root))]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, content in files:
            package.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), content)
    return skipped


def _problem(question: ExportQuestion) -> str | None:
    if question.kind not in PROFILES:
        return _(
            "Common Cartridge's question profile has no %(kind)s type; export it as QTI 2.1 "
            "or Moodle XML."
        ) % {"kind": question.kind.replace("_", " ")}
    try:
        validate_spec(question.kind, question.data)
    except SpecError as error:
        return _("its answer data is not valid (%(error)s); fix it in the admin first.") % {
            "error": error
        }
    return None


def _metadata(parent: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    for label, entry in fields:
        field = ET.SubElement(parent, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _mattext(parent: ET.Element, html: str) -> None:
    ET.SubElement(
        ET.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}
    ).text = html


def _item(section: ET.Element, question: ExportQuestion, ident: str) -> None:
    node = ET.SubElement(section, "item", {"ident": ident, "title": clean(question.key)})
    fields = [("cc_profile", PROFILES[question.kind])]
    points = question.points
    if points == points.to_integral_value() and 0 <= points <= MAX_WEIGHT:
        fields.append(("cc_weighting", str(int(points))))
    _metadata(ET.SubElement(ET.SubElement(node, "itemmetadata"), "qtimetadata"), fields)
    presentation = ET.SubElement(node, "presentation")
    _mattext(presentation, html_block(question.stem))
    processing = ET.SubElement(node, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(
        outcomes,
        "decvar",
        {"varname": "SCORE", "vartype": "Decimal", "minvalue": "0", "maxvalue": "100"},
    )
    # The general feedback first, in a condition that always holds and lets scoring go on.
    general = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
    _display(general, "general_fb")
    feedback: list[tuple[str, str]] = [("general_fb", general_feedback(question))]
    if question.kind == "short":
        _short(presentation, processing, question.data)
    else:
        feedback += _choices(presentation, processing, question.kind, question.data)
    for feedback_id, html in feedback:
        itemfeedback = ET.SubElement(node, "itemfeedback", {"ident": feedback_id})
        _mattext(ET.SubElement(itemfeedback, "flow_mat"), html)


def _display(condition: ET.Element, feedback_id: str) -> None:
    ET.SubElement(
        condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": feedback_id}
    )


def _score(condition: ET.Element) -> None:
    ET.SubElement(condition, "setvar", {"varname": "SCORE", "action": "Set"}).text = "100"


def _equal(parent: ET.Element, value: str, *, case: bool = True) -> None:
    attrs = {"respident": RESPONSE, "case": "Yes" if case else "No"}
    ET.SubElement(parent, "varequal", attrs).text = value


def _choices(
    presentation: ET.Element, processing: ET.Element, kind: str, data: Any
) -> list[tuple[str, str]]:
    """The choices and their scoring; returns the per-choice feedback (id, HTML)."""
    options: list[tuple[str, str, bool, str]]  # (ident, HTML, correct, feedback)
    if kind == "true_false":
        options = [
            ("true", _("True"), data["answer"] is True, data.get("feedback_true", "")),
            ("false", _("False"), data["answer"] is False, data.get("feedback_false", "")),
        ]
    else:
        options = [
            (f"C{n}", html_inline(c["text"]), c["correct"], c.get("feedback", ""))
            for n, c in enumerate(data["choices"], start=1)
        ]
    multiple = kind == "multiple"
    response = ET.SubElement(
        presentation,
        "response_lid",
        {"ident": RESPONSE, "rcardinality": "Multiple" if multiple else "Single"},
    )
    render = ET.SubElement(
        response, "render_choice", {"shuffle": "No" if kind == "true_false" else "Yes"}
    )
    for ident, text, _correct, _feedback in options:
        _mattext(ET.SubElement(render, "response_label", {"ident": ident}), text)
    with_feedback = {ident for ident, _t, _c, feedback in options if str(feedback).strip()}
    scoring = ET.SubElement(processing, "respcondition", {"continue": "No"})
    condition = ET.SubElement(scoring, "conditionvar")
    if multiple:
        # Exactly the correct choices: each correct one picked and no incorrect one.
        both = ET.SubElement(condition, "and")
        for ident, _text, correct, _feedback in options:
            _equal(both if correct else ET.SubElement(both, "not"), ident)
    else:
        key = next(ident for ident, _text, correct, _feedback in options if correct)
        _equal(condition, key)
    _score(scoring)
    if not multiple and key in with_feedback:
        _display(scoring, f"{key}_fb")
    # Per-choice feedback after the scoring, in conditions that stop: Moodle's importer takes
    # every condition that continues as general feedback, so these must not continue.
    for ident, _text, correct, _feedback in options:
        if ident in with_feedback and (multiple or not correct):
            shown = ET.SubElement(processing, "respcondition", {"continue": "No"})
            _equal(ET.SubElement(shown, "conditionvar"), ident)
            _display(shown, f"{ident}_fb")
    return [
        (f"{ident}_fb", html_block(str(feedback)))
        for ident, _text, _correct, feedback in options
        if ident in with_feedback
    ]


def _short(presentation: ET.Element, processing: ET.Element, data: Any) -> None:
    response = ET.SubElement(
        presentation, "response_str", {"ident": RESPONSE, "rcardinality": "Single"}
    )
    ET.SubElement(response, "render_fib", {"prompt": "Box", "fibtype": "String"})
    scoring = ET.SubElement(processing, "respcondition", {"continue": "No"})
    condition = ET.SubElement(scoring, "conditionvar")
    # Several varequal in one condition: any of them, as Moodle's and Canvas's importers read it.
    for accepted in accepted_forms([clean(text).strip() for text in data["accepted"]]):
        _equal(condition, accepted, case=False)
    _score(scoring)


def _manifest(ident: str, path: str, title: str) -> ET.Element:
    root = ET.Element(
        "manifest",
        {
            "xmlns": CP,
            "xmlns:lomimscc": LOM,
            f"{{{XSI}}}schemaLocation": f"{CP} {CP_XSD} {LOM} {LOM_XSD}",
            "identifier": f"MANIFEST_{ident}",
        },
    )
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, "schemaversion").text = "1.1.0"
    lom = ET.SubElement(metadata, "lomimscc:lom")
    name = ET.SubElement(
        ET.SubElement(ET.SubElement(lom, "lomimscc:general"), "lomimscc:title"), "lomimscc:string"
    )
    name.text = clean(title) or ident
    organization = ET.SubElement(
        ET.SubElement(root, "organizations"),
        "organization",
        {"identifier": "ORG", "structure": "rooted-hierarchy"},
    )
    top = ET.SubElement(organization, "item", {"identifier": "ROOT"})
    entry = ET.SubElement(top, "item", {"identifier": f"ITEM_{ident}", "identifierref": ident})
    ET.SubElement(entry, "title").text = clean(title) or ident
    resource = ET.SubElement(
        ET.SubElement(root, "resources"),
        "resource",
        {"identifier": ident, "type": ASSESSMENT_TYPE},
    )
    ET.SubElement(resource, "file", {"href": path})
    return root
