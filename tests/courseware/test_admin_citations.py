"""Citations typed in the admin (perspectives, reading notes, timeline events) anchor or are
refused with the nearest text; the courseware admin lists open within a query budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courseware.models import (
    EventCitation,
    Perspective,
    PerspectiveCitation,
    ReadingNote,
    Source,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def perspective(db):
    return Perspective.objects.filter(citations__isnull=False).order_by("pk").first()


def perspective_form(perspective, citations):
    """The perspective's change form as posted, with `citations` as its citation rows."""
    data = {
        "prompt": perspective.prompt_id,
        "position": perspective.position,
        "label": perspective.label,
        "summary": perspective.summary,
        "citations-TOTAL_FORMS": len(citations),
        "citations-INITIAL_FORMS": sum(1 for c in citations if c.get("id")),
        "citations-MIN_NUM_FORMS": 1,
        "citations-MAX_NUM_FORMS": 1000,
    }
    for number, citation in enumerate(citations):
        for key, value in {"perspective": perspective.pk, "position": number, **citation}.items():
            data[f"citations-{number}-{key}"] = value
    return data


def existing(citation, **changes):
    return {
        "id": citation.pk,
        "source": citation.source_id,
        "exact": citation.exact,
        "prefix": citation.prefix,
        "suffix": citation.suffix,
        **changes,
    }


def change_url(perspective):
    return reverse("admin:courseware_perspective_change", args=[perspective.pk])


def test_the_perspective_page_shows_each_citations_source_and_quote(admin_client, perspective):
    html = admin_client.get(change_url(perspective)).content.decode()
    for citation in perspective.citations.all():
        assert citation.exact in html
        assert f'<option value="{citation.source_id}" selected>' in html


def test_a_quote_that_does_not_anchor_is_refused_with_the_nearest_text(admin_client, perspective):
    citation = perspective.citations.first()
    typo = citation.exact.replace(" ", "  ", 1)[:-3] + "xyz"
    response = admin_client.post(
        change_url(perspective), perspective_form(perspective, [existing(citation, exact=typo)])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quote not found" in html
    assert "Nearest text in the source" in html
    citation.refresh_from_db()
    assert citation.source.text[citation.start : citation.end] == citation.exact != typo


def test_a_quote_typed_with_straight_quotes_and_spaces_is_stored_as_the_sources_words(
    admin_client, perspective
):
    source = Source.objects.get(slug="delta-news")
    exact = "Farmers’ groups oppose the plan: they say"
    typed = "Farmers' groups  oppose\nthe plan: they say"
    citation = perspective.citations.first()
    response = admin_client.post(
        change_url(perspective),
        perspective_form(
            perspective,
            [existing(citation), {"source": source.pk, "exact": typed, "prefix": "", "suffix": ""}],
        ),
    )
    assert response.status_code == 302
    added = PerspectiveCitation.objects.get(perspective=perspective, exact=exact)
    assert source.text[added.start : added.end] == exact
    assert added.start == source.text.index(exact)


def test_a_quote_found_in_several_places_asks_for_a_prefix_or_suffix(admin_client, perspective):
    source = Source.objects.get(slug="delta-news")
    assert source.text.count("of the silt") > 1
    citation = perspective.citations.first()
    new = {"source": source.pk, "exact": "of the silt", "prefix": "", "suffix": ""}
    response = admin_client.post(
        change_url(perspective), perspective_form(perspective, [existing(citation), new])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "add a prefix or suffix (the words just before or after) to choose one" in html
    assert not PerspectiveCitation.objects.filter(exact="of the silt").exists()


def test_a_quote_without_a_source_is_a_form_error_not_a_server_error(admin_client, perspective):
    citation = perspective.citations.first()
    new = {"source": "", "exact": "Some words", "prefix": "", "suffix": ""}
    response = admin_client.post(
        change_url(perspective), perspective_form(perspective, [existing(citation), new])
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_perspective_keeps_at_least_one_citation(admin_client, perspective):
    citations = [existing(c, DELETE="on") for c in perspective.citations.all()]
    response = admin_client.post(change_url(perspective), perspective_form(perspective, citations))
    assert response.status_code == 200
    assert "Please submit at least 1 form." in response.content.decode()
    assert perspective.citations.exists()


def test_a_timeline_event_is_added_with_its_citation(admin_client):
    source = Source.objects.get(slug="delta-news")
    exact = "The water board opened a new flood barrier in 2019"
    data = {
        "slug": "flood-barrier-test",
        "when": "2019",
        "sort": "2019",
        "title": "A flood barrier",
        "note": "",
        "citations-TOTAL_FORMS": 1,
        "citations-INITIAL_FORMS": 0,
        "citations-MIN_NUM_FORMS": 1,
        "citations-MAX_NUM_FORMS": 1000,
        "citations-0-position": 0,
        "citations-0-source": source.pk,
        "citations-0-exact": exact,
        "citations-0-prefix": "",
        "citations-0-suffix": "",
    }
    response = admin_client.post(reverse("admin:courseware_timelineevent_add"), data)
    assert response.status_code == 302
    event = TimelineEvent.objects.get(slug="flood-barrier-test")
    [citation] = EventCitation.objects.filter(event=event)
    assert source.text[citation.start : citation.end] == exact


def test_the_prompt_page_links_each_perspective_to_its_citations(admin_client, perspective):
    html = admin_client.get(
        reverse("admin:courseware_prompt_change", args=[perspective.prompt_id])
    ).content.decode()
    assert change_url(perspective) in html
    assert perspective.citations.first().exact in html


def test_the_reading_page_shows_its_notes_and_their_citations(admin_client):
    note = ReadingNote.objects.filter(citations__isnull=False).first()
    html = admin_client.get(
        reverse("admin:courseware_reading_change", args=[note.reading_id])
    ).content.decode()
    assert reverse("admin:courseware_readingnote_change", args=[note.pk]) in html
    assert note.citations.first().exact in html
    page = admin_client.get(reverse("admin:courseware_readingnote_change", args=[note.pk]))
    assert 'name="citations-0-exact"' in page.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "perspective",
        "readingnote",
        "timelineevent",
        "timelineperiod",
        "enrollment",
        "course",
        "post",
        "source",
    ],
)
def test_the_courseware_lists_open_within_a_query_budget(
    admin_client, name, course, student, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:courseware_{name}_changelist"))
    assert response.status_code == 200


def test_the_timeline_event_list_filters_by_cited_source(admin_client):
    source = Source.objects.get(slug="river-survey")
    response = admin_client.get(
        reverse("admin:courseware_timelineevent_changelist")
        + f"?citations__source__id__exact={source.pk}"
    )
    cited = TimelineEvent.objects.filter(citations__source=source).distinct().count()
    assert f"{cited} timeline events" in response.content.decode()
