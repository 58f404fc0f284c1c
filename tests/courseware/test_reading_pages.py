from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from courseware.ingest import anchor
from courseware.models import Passage, Reading, Source

pytestmark = pytest.mark.django_db


def urls(course):
    reading = course.readings.order_by("position").first()
    source = Source.objects.get(slug="delta-news")
    return [
        reverse("home"),
        reverse("course_detail", args=[course.slug]),
        reverse("reading_detail", args=[course.slug, reading.slug]),
        reverse("source_detail", args=[course.slug, source.slug]),
        reverse("cite", args=[course.slug, source.slug, 0, 10]),
    ]


def cite_url(course, source_slug, quote):
    source = Source.objects.get(slug=source_slug)
    found = anchor(source.text, quote)
    return reverse("cite", args=[course.slug, source.slug, found.start, found.end]), found


def test_anonymous_visitors_are_sent_to_log_in(client, course):
    for url in urls(course):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_student_outside_the_course_gets_404_everywhere_but_home(client, course, other_student):
    client.force_login(other_student)
    home, *course_urls = urls(course)
    assert escape(course.title) not in client.get(home).content.decode()
    for url in course_urls:
        assert client.get(url).status_code == 404, url


def test_a_reading_that_is_not_in_the_course_is_not_found(client, course, student):
    outside = Reading.objects.create(slug="not-in-course", title="Elsewhere")
    client.force_login(student)
    response = client.get(reverse("reading_detail", args=[course.slug, outside.slug]))
    assert response.status_code == 404


def test_login_page_logs_a_demo_student_in_and_lands_on_their_courses(client, course, student):
    response = client.post(
        reverse("login"), {"username": "stu", "password": "pass-for-tests"}, follow=True
    )
    assert response.status_code == 200
    assert escape(course.title) in response.content.decode()


def test_wrong_password_shows_an_error_not_a_crash(client, student):
    response = client.post(reverse("login"), {"username": "stu", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_course_home_lists_every_reading_with_time_level_and_objectives(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    with django_assert_max_num_queries(14):  # home adds progress bars and the teacher check
        response = client.get(reverse("course_detail", args=[course.slug]))
    html = response.content.decode()
    readings = list(course.readings.all())
    assert len(readings) >= 2
    for reading in readings:
        assert escape(reading.title) in html
        assert f"{reading.minutes} min read" in html
        assert f"grade {reading.grade_level}" in html
        for objective in reading.objectives.all():
            assert escape(objective.title) in html
    for source in Source.objects.all():
        assert reverse("source_detail", args=[course.slug, source.slug]) in html


def test_reading_page_shows_passages_with_stable_anchors_headings_and_source_cards(
    client, course, student, django_assert_max_num_queries
):
    reading = Reading.objects.get(slug="river-flow")
    client.force_login(student)
    with django_assert_max_num_queries(
        9
    ):  # session, user, course, reading + 4 prefetches, progress
        response = client.get(reverse("reading_detail", args=[course.slug, reading.slug]))
    html = response.content.decode()
    for passage in reading.ordered_passages():
        assert f'id="{passage.html_id}"' in html
    assert "<h3" in html and "Why does the river bring less silt than before?" in html
    assert "Coastal Daily" in html and "Rivers Institute" in html
    assert "May 2, 2024" in html
    assert "How far to trust it" in html
    assert "<mark" not in html  # nothing highlighted without a citation


def test_citation_link_opens_the_reading_at_the_highlighted_words(client, course, student):
    client.force_login(student)
    quote = "The water board counts about 1,200 licensed wells on the delta"
    url, _found = cite_url(course, "delta-news", quote)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("reading_detail", args=[course.slug, "river-flow"]))
    assert response.url.endswith("#hl")
    page = client.get(response.url).content.decode()
    assert f'<mark id="hl" tabindex="-1">{quote}</mark>' in page
    assert page.count("<mark") == 1


def test_a_quote_spanning_a_paragraph_break_is_marked_in_both_passages(client, course, student):
    client.force_login(student)
    quote = (
        "less than a third of the silt it carried a century ago. Pumping water out of the ground"
    )
    url, _found = cite_url(course, "delta-news", quote)
    page = client.get(client.get(url).url).content.decode()
    assert page.count("<mark") == 2
    assert '<mark id="hl" tabindex="-1">less than a third of the silt' in page
    assert "<mark>Pumping water out of the ground</mark>" in page


def test_citation_of_a_passage_in_no_reading_opens_the_source_page(client, course, student):
    reading = Reading.objects.get(slug="river-flow")
    source = Source.objects.get(slug="river-survey")
    passage = source.passages.get(text__startswith="Where a river meets the sea")
    course.readings.remove(*Reading.objects.filter(reading_passages__passage=passage))
    assert course.readings.filter(slug="water-cycle").exists()  # still reads from the source
    client.force_login(student)
    response = client.get(
        reverse("cite", args=[course.slug, source.slug, passage.start, passage.end])
    )
    assert (
        response.url
        == reverse("source_detail", args=[course.slug, source.slug])
        + f"?hl={passage.start}-{passage.end}#hl"
    )
    page = client.get(response.url).content.decode()
    assert f'<mark id="hl" tabindex="-1">{passage.text}</mark>' in page
    assert reading.slug not in response.url


@pytest.mark.parametrize(
    "hl",
    [
        "junk",
        "delta-news:9-3",
        "delta-news:",
        "no-such-source:1-5",
        "delta-news:99999999999-5",
    ],
)
def test_a_malformed_highlight_shows_the_reading_with_a_notice_not_an_error(
    client, course, student, hl
):
    client.force_login(student)
    response = client.get(reverse("reading_detail", args=[course.slug, "river-flow"]), {"hl": hl})
    assert response.status_code == 200
    html = response.content.decode()
    assert "highlight could not be read" in html
    assert "<mark" not in html


def test_source_page_shows_the_whole_cleaned_text_without_leftovers(
    client, course, student, django_assert_max_num_queries
):
    source = Source.objects.get(slug="lake-blog")
    client.force_login(student)
    with django_assert_max_num_queries(8):
        html = client.get(
            reverse("source_detail", args=[course.slug, source.slug])
        ).content.decode()
    assert html.count('class="passage"') == source.passages.count()
    for leftover in ("Share this post", "No comments"):
        assert leftover not in html
    assert "Sam Reed" in html


def test_pages_refuse_post(client, course, student):
    client.force_login(student)
    assert client.post(reverse("course_detail", args=[course.slug])).status_code == 405


def test_every_passage_of_every_source_is_in_some_reading(course):
    unread = Passage.objects.exclude(readings__courses=course)
    assert list(unread.values_list("source__slug", "text")[:5]) == []


def test_html_ids_are_unique_on_a_reading_page(client, course, student):
    client.force_login(student)
    for reading in course.readings.all():
        html = client.get(
            reverse("reading_detail", args=[course.slug, reading.slug])
        ).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), reading.slug


def test_log_out_is_a_post_and_ends_the_session(client, course, student):
    client.force_login(student)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("course_detail", args=[course.slug])).status_code == 302


def test_reading_notes_link_each_citation_to_its_highlighted_words(client, course, student):
    client.force_login(student)
    reading = Reading.objects.get(slug="river-flow")
    html = client.get(reverse("reading_detail", args=[course.slug, reading.slug])).content.decode()
    for note in reading.notes.all():
        assert escape(note.title) in html
        for citation in note.citations.all():
            url = reverse(
                "cite", args=[course.slug, citation.source.slug, citation.start, citation.end]
            )
            assert f'href="{url}?reading={reading.slug}"' in html
            target = client.get(f"{url}?reading={reading.slug}").url
            assert target.startswith(reverse("reading_detail", args=[course.slug, reading.slug]))
