"""Re-importing a source's text: citations keep anchoring, or their questions go to draft."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseware.models import PerspectiveCitation, Reading, Source
from courseware.reimport import BROKEN, EDITED, MOVED, UNCHANGED
from courseware.services import plan_source_reimport, quote_models, reimport_source
from quizzes.models import Question, QuestionCitation
from quizzes.services import start_attempt
from tests.conftest import PACK
from tests.factories import make_quiz

pytestmark = pytest.mark.django_db

SEED = PACK / "sources" / "001-delta-news.txt"
# Three edits to the fixture pack's news explainer: words changed inside a quoted sentence (¶1),
# a word added after two quotes in their paragraph (¶6), and a new paragraph after it.
QUOTED = "Towns on the delta are sinking by up to two centimetres a year"
REWORDED = "Towns on the delta are sinking by as much as two centimetres a year"
PENALTIES = "licensed wells on the delta."
HARSHER = "licensed wells on the whole delta."
NEW_PARAGRAPH = "A correction added by the publisher: some figures were revised in June."


@pytest.fixture
def source(db):
    return Source.objects.get(slug="delta-news")


def edited_text() -> bytes:
    raw = SEED.read_text(encoding="utf-8")
    assert raw.count(QUOTED) == 1 and raw.count(PENALTIES) == 1
    raw = raw.replace(QUOTED, REWORDED).replace(PENALTIES, f"{HARSHER}\n{NEW_PARAGRAPH}")
    return raw.encode("utf-8")


def citations(source):
    """Every citation of the source in the database, whatever app it lives in."""
    return {
        (model, row.pk): row
        for model in quote_models()
        for row in model.objects.filter(source=source)
    }


def assert_every_quote_anchors():
    for model in quote_models():
        for row in model.objects.select_related("source"):
            assert row.source.text[row.start : row.end] == row.exact, (model, row.pk)


def test_re_importing_the_same_file_changes_nothing(source):
    before = citations(source)
    passages = list(source.passages.values_list("pk", "position", "text", "start", "end"))
    published = set(Question.objects.filter(status="published").values_list("pk", flat=True))
    result = reimport_source(source=source, data=SEED.read_bytes())
    assert {c.status for c in result.plan.citations} == {UNCHANGED}
    assert len(result.plan.citations) == len(before) > 5
    assert result.sent_back == []
    source.refresh_from_db()
    assert list(source.passages.values_list("pk", "position", "text", "start", "end")) == passages
    after = citations(source)
    for key, row in before.items():
        assert (after[key].start, after[key].end, after[key].prefix) == (
            row.start,
            row.end,
            row.prefix,
        )
    assert (
        set(Question.objects.filter(status="published").values_list("pk", flat=True)) == published
    )


def test_a_file_that_differs_only_in_line_endings_moves_no_citation_or_passage(source):
    crlf = SEED.read_bytes().replace(b"\n", b"\r\n")
    passages = list(source.passages.values_list("pk", "position", "text"))
    result = reimport_source(source=source, data=crlf)
    assert {c.status for c in result.plan.citations} == {UNCHANGED}
    source.refresh_from_db()
    assert source.raw_sha256 == hashlib.sha256(crlf).hexdigest()
    assert "\r\n" in source.raw_text
    assert list(source.passages.values_list("pk", "position", "text")) == passages


def test_the_preview_writes_nothing(source):
    before = citations(source)
    text = source.text
    plan = plan_source_reimport(source=source, data=edited_text())
    assert plan.with_status(BROKEN) and plan.with_status(MOVED)
    source.refresh_from_db()
    assert source.text == text
    assert {k: (r.start, r.end) for k, r in citations(source).items()} == {
        k: (r.start, r.end) for k, r in before.items()
    }
    assert Question.objects.get(key="flow-sinking-rate").status == "published"


def test_a_small_edit_moves_citations_breaks_one_and_sends_its_question_to_draft(source):
    old = {p.position: p for p in source.passages.all()}
    before = citations(source)
    broken_key = next(
        k for k, r in before.items() if r.exact.startswith(QUOTED) and k[0] is QuestionCitation
    )
    in_penalties = {k for k, r in before.items() if old[6].start <= r.start < old[6].end}

    result = reimport_source(source=source, data=edited_text())

    statuses = {(type(c.quote), c.quote.pk): c.status for c in result.plan.citations}
    assert statuses[broken_key] == BROKEN
    assert {k for k, s in statuses.items() if s == EDITED} == in_penalties
    broken = result.plan.with_status(BROKEN)
    assert len(broken) == 1
    assert "Nearest text in the source" in broken[0].relocation.message
    assert (
        "Towns on the delta are sinking by as much as two centimetres"
        in broken[0].relocation.nearest
    )

    # Offsets: unchanged before the first edit; shifted by each edit's length after it.
    shrink = len(REWORDED) - len(QUOTED)
    grow = len(HARSHER) - len(PENALTIES) + len(NEW_PARAGRAPH) + 2  # a passage and its gap
    after = citations(source)
    assert broken_key not in after  # deleted, so no citation points at text that is gone
    for key, row in before.items():
        if key == broken_key:
            continue
        moved = after[key]
        if row.start < old[1].start:
            expected, status = row.start, UNCHANGED
        elif row.start < old[6].start:
            expected, status = row.start + shrink, MOVED
        elif row.start < old[6].end:
            expected, status = row.start + shrink, EDITED
        else:
            expected, status = row.start + shrink + grow, MOVED
        assert (moved.start, statuses[key]) == (expected, status), key
        assert moved.end - moved.start == row.end - row.start
    assert_every_quote_anchors()

    # Questions resting on changed text go back to draft and are listed; the others stay.
    sent_back = {q.key for q in result.sent_back}
    assert sent_back == {"flow-sinking-rate", "flow-wells"}
    assert set(Question.objects.filter(key__in=sent_back).values_list("status", flat=True)) == {
        "draft"
    }
    untouched = {type(c.quote) for c in result.plan.citations if c.status in (MOVED, UNCHANGED)}
    assert QuestionCitation in untouched
    assert Question.objects.filter(status="published").count() > 10


def test_passages_keep_their_rows_and_readings_keep_reading_the_same_stretch(source):
    old = {p.position: p for p in source.passages.all()}
    weapons = Reading.objects.get(slug="river-flow")
    before = [rp.passage_id for rp in weapons.reading_passages.all()]

    result = reimport_source(source=source, data=edited_text())

    plan = result.plan
    assert (plan.passages_added, len(plan.passages_removed), plan.passages_edited) == (1, 0, 2)
    source.refresh_from_db()
    new = {p.position: p for p in source.passages.all()}
    assert len(new) == len(old) + 1
    assert new[7].text == NEW_PARAGRAPH
    assert new[8].pk == old[7].pk and new[1].pk == old[1].pk
    assert new[1].text.startswith(REWORDED)
    for passage in new.values():
        assert source.text[passage.start : passage.end] == passage.text
    # The new paragraph sits inside the stretch the reading reads whole, so it joins it.
    after = [rp.passage_id for rp in weapons.reading_passages.all()]
    at = before.index(old[7].pk)
    assert after == [*before[:at], new[7].pk, *before[at:]]
    assert {str(change) for change in plan.readings} == {
        "1 passage added, 2 passages edited",  # river-flow: ¶1 and ¶6 edited, the new one added
    }


def test_a_re_import_that_would_break_a_perspective_is_refused_and_changes_nothing(source):
    sentence = "Dams upstream trap most of the silt"
    raw = SEED.read_text(encoding="utf-8").replace(sentence, "Dams upstream trap silt")
    text = source.text
    plan = plan_source_reimport(source=source, data=raw.encode())
    [blocking] = plan.blocking
    assert isinstance(blocking.quote, PerspectiveCitation)
    with pytest.raises(ValidationError) as error:
        reimport_source(source=source, data=raw.encode())
    assert "1 citation would no longer anchor" in str(error.value)
    source.refresh_from_db()
    assert source.text == text
    assert PerspectiveCitation.objects.filter(pk=blocking.quote.pk).exists()


def test_a_citation_of_an_answered_question_version_is_never_deleted(source, course, student):
    question = Question.objects.get(key="flow-sinking-rate")
    start_attempt(quiz=make_quiz(course, [question], slug="answered"), student=student)
    plan = plan_source_reimport(source=source, data=edited_text())
    assert [type(c.quote) for c in plan.blocking] == [QuestionCitation]
    with pytest.raises(ValidationError):
        reimport_source(source=source, data=edited_text())
    assert Question.objects.get(pk=question.pk).status == "published"


def test_a_file_that_is_not_text_is_refused_before_anything_is_planned(source):
    with pytest.raises(ValidationError) as error:
        plan_source_reimport(source=source, data=b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "binary" in str(error.value)


# ---------------------------------------------------------------------------------------------
# Through the admin


def url(source):
    return reverse("admin:courseware_source_reimport", args=[source.pk])


def test_the_source_page_links_to_re_importing(admin_client, source):
    page = admin_client.get(reverse("admin:courseware_source_change", args=[source.pk]))
    assert f'href="{url(source)}"' in page.content.decode()


def test_a_teacher_previews_and_confirms_a_re_import_in_the_admin(admin_client, source):
    upload = SimpleUploadedFile("new.txt", edited_text(), "text/plain")
    preview = admin_client.post(url(source), {"upload": upload})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: nothing has changed yet" in html
    assert "13 passages (before: 12): 1 added, 0 removed, 2 edited." in html
    assert "Broken: <strong>1</strong>" in html
    question = Question.objects.get(key="flow-sinking-rate")
    question_url = reverse("admin:quizzes_question_change", args=[question.pk])
    assert f'<a href="{question_url}">flow-sinking-rate v1</a>' in html
    assert "Nearest text in the source" in html
    reading = Reading.objects.get(slug="river-flow")
    reading_url = reverse("admin:courseware_reading_change", args=[reading.pk])
    assert f'<a href="{reading_url}">{reading}</a>: 1 passage added, 2 passages edited' in html
    assert Source.objects.get(pk=source.pk).text == source.text

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = admin_client.post(url(source), {"token": token})
    html = done.content.decode()
    assert done.status_code == 200
    assert "Re-imported" in html
    assert "Sent back to draft for review" in html
    assert f'<a href="{question_url}">flow-sinking-rate</a>' in html
    assert Question.objects.get(pk=question.pk).status == "draft"
    assert NEW_PARAGRAPH in Source.objects.get(pk=source.pk).text


def test_the_admin_shows_what_blocks_a_re_import_and_offers_no_confirm(admin_client, source):
    raw = SEED.read_text(encoding="utf-8").replace(
        "Dams upstream trap most of the silt", "Dams upstream trap silt"
    )
    preview = admin_client.post(url(source), {"paste": raw})
    html = preview.content.decode()
    assert "would no longer anchor in the new text" in html
    perspective = PerspectiveCitation.objects.get(exact__startswith="Dams upstream trap most")
    link = reverse("admin:courseware_perspective_change", args=[perspective.perspective_id])
    assert f'href="{link}"' in html
    assert "Re-import the new text" not in html


def test_a_stale_or_tampered_preview_is_not_applied(admin_client, source):
    preview = admin_client.post(url(source), {"paste": edited_text().decode()})
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    tampered = admin_client.post(url(source), {"token": token[:-3] + "abc"})
    assert tampered.status_code == 400
    assert "expired or was altered" in tampered.content.decode()
    reimport_source(source=source, data=SEED.read_bytes().replace(b"\n", b"\r\n"))
    stale = admin_client.post(url(source), {"token": token})
    assert "The source changed since that preview" in stale.content.decode()
    assert NEW_PARAGRAPH not in Source.objects.get(pk=source.pk).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Upload a file or paste the text"),
        ({"paste": "   "}, "Upload a file or paste the text"),
        ({"upload": SimpleUploadedFile("b.bin", b"\x00\x01\x02binary")}, "binary"),
    ],
)
def test_bad_input_to_the_re_import_gets_a_form_error(admin_client, source, data, message):
    response = admin_client.post(url(source), data)
    assert response.status_code == 400
    assert message in response.content.decode()
