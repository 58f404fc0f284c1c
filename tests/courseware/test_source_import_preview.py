"""Adding a source in the admin: the preview of what cleaning removes and the passages it
gives, the rules a teacher adjusts before saving, the one size limit everywhere, and a list of
sources that stays fast whatever the sources weigh."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courseware.models import Source
from courseware.pack import PackError
from courseware.services import build_course, import_source, plan_source_reimport
from tests.conftest import PACK

pytestmark = pytest.mark.django_db

TEXTS = Path(__file__).parents[1] / "fixtures" / "texts"
WEB_COPY = (TEXTS / "crs-r48859-mexico-web-copy.txt").read_text("utf-8")
ADD = reverse("admin:courseware_source_add")


def form(**extra):
    return {
        "slug": "crs-web",
        "title": "CRS report, web copy",
        "kind": "analysis",
        "author": "",
        "publisher": "Congressional Research Service",
        "published": "2026-09-23",
        "note": "",
        "unwrap": "auto",
        **extra,
    }


def token(response) -> str:
    found = re.search(r'name="preview_token" value="([^"]+)"', response.content.decode())
    assert found
    return found[1]


def passages(response) -> int:
    found = re.search(r"(\d+) passages?</li>", response.content.decode())
    assert found
    return int(found[1])


def test_pasting_a_web_copy_shows_what_cleaning_removes_and_saves_nothing(admin_client):
    response = admin_client.post(ADD, form(paste=WEB_COPY))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: nothing is saved yet" in html
    assert passages(response) == 41
    assert "Hard-wrapped at 72 characters" in html
    for reason in ("skip link", "navigation menu", "breadcrumbs", "share bar", "cookie notice"):
        assert f"page furniture: {reason}" in html
    assert "24 lines removed by cleaning" in html
    assert "errornote" not in html
    assert not Source.objects.filter(slug="crs-web").exists()


def test_saving_what_was_previewed_adds_the_source_with_its_rules(admin_client):
    preview = admin_client.post(ADD, form(paste=WEB_COPY, keep_lines="The Policy Digest"))
    response = admin_client.post(
        ADD, form(paste=WEB_COPY, keep_lines="The Policy Digest", preview_token=token(preview))
    )

    assert response.status_code == 302
    source = Source.objects.get(slug="crs-web")
    assert source.clean_rules == {"keep_lines": ["The\\ Policy\\ Digest"]}
    assert source.passages.count() == 42
    assert source.passages.first().text == "The Policy Digest"
    assert len(source.removed_lines) == 23


def test_a_save_without_a_preview_shows_the_preview_first(admin_client):
    response = admin_client.post(ADD, form(paste=WEB_COPY, _save="Save"))

    assert response.status_code == 200
    assert "Preview: nothing is saved yet" in response.content.decode()
    assert not Source.objects.filter(slug="crs-web").exists()


def test_rules_changed_since_the_preview_are_previewed_again(admin_client):
    preview = admin_client.post(ADD, form(paste=WEB_COPY))
    response = admin_client.post(
        ADD, form(paste=WEB_COPY, cut_from="Congressional Action", preview_token=token(preview))
    )

    assert response.status_code == 200
    assert not Source.objects.filter(slug="crs-web").exists()
    assert passages(response) == 9  # up to the first "Congressional Action" heading


def test_ticking_a_removed_line_keeps_it_in_the_next_preview(admin_client):
    response = admin_client.post(
        ADD, form(paste=WEB_COPY, keep_line=["The Policy Digest", "8 min read"], _preview="1")
    )

    html = response.content.decode()
    assert passages(response) == 43
    assert re.search(
        r"<textarea[^>]*name=\"keep_lines\"[^>]*>\s*The Policy Digest\n8 min read", html
    )


def test_ticking_a_passage_removes_it_as_a_source_rule(admin_client):
    response = admin_client.post(ADD, form(paste=WEB_COPY, drop_line=["(R48859)"], _preview="1"))

    html = response.content.decode()
    assert passages(response) == 40
    assert "this source’s rule: remove the lines" in html


def test_start_and_end_lines_cut_the_text(admin_client):
    response = admin_client.post(
        ADD,
        form(paste=WEB_COPY, cut_until="Summary", cut_from="Mexico's Domestic Situation"),
    )

    assert passages(response) == 2


def test_repairing_hard_wraps_can_be_turned_off(admin_client):
    response = admin_client.post(ADD, form(paste=WEB_COPY, unwrap="never"))

    assert passages(response) > 400
    assert "No hard wraps repaired" in response.content.decode()


def test_an_uploaded_file_is_kept_from_the_preview_and_not_uploaded_twice(admin_client):
    upload = SimpleUploadedFile("crs.txt", WEB_COPY.encode(), content_type="text/plain")
    preview = admin_client.post(ADD, form(upload=upload))
    assert "The text of “crs.txt” is kept from the last preview" in preview.content.decode()

    again = admin_client.post(ADD, form(preview_token=token(preview), _preview="1"))
    assert passages(again) == 41
    saved = admin_client.post(ADD, form(preview_token=token(again)))

    assert saved.status_code == 302
    assert Source.objects.get(slug="crs-web").passages.count() == 41


def test_a_tampered_preview_token_is_ignored(admin_client):
    response = admin_client.post(ADD, form(preview_token="forged:token"))

    assert response.status_code == 200
    assert "Upload a file or paste the text of the source." in response.content.decode()


def test_a_teacher_previews_and_adds_a_source_and_owns_it(client, teacher):
    client.force_login(teacher)
    preview = client.post(ADD, form(paste=WEB_COPY))
    assert preview.status_code == 200
    response = client.post(ADD, form(paste=WEB_COPY, preview_token=token(preview)))

    assert response.status_code == 302
    assert Source.objects.get(slug="crs-web").created_by == teacher


def test_a_student_cannot_reach_the_preview(client, student):
    client.force_login(student)
    response = client.post(ADD, form(paste=WEB_COPY))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_preview_has_no_inline_script_style_or_event_handler(admin_client):
    html = admin_client.post(ADD, form(paste=WEB_COPY)).content.decode()
    preview = html[html.index('class="module source-preview"') : html.index("</section>")]

    assert "<script" not in preview
    assert not re.search(r"\s(?:style|on[a-z]+)=", preview)


# the size limit


def test_one_size_limit_for_the_admin_upload_and_paste(admin_client, settings):
    settings.SOURCE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", b"x " * 600, content_type="text/plain")
    uploaded = admin_client.post(ADD, form(upload=upload)).content.decode()
    pasted = admin_client.post(ADD, form(paste="y " * 600)).content.decode()

    assert "more than the 1000\xa0bytes a source may have" in uploaded
    assert "more than the 1000\xa0bytes a source may have" in pasted
    assert not Source.objects.filter(slug="crs-web").exists()


def test_one_size_limit_for_the_command(tmp_path, settings):
    settings.SOURCE_MAX_BYTES = 1000
    path = tmp_path / "big.txt"
    path.write_bytes(b"A sentence. " * 100)

    with pytest.raises(CommandError, match=r"more than the 1000\sbytes a source may have"):
        call_command("import_source", str(path), "--slug", "big", "--title", "Big")


def test_one_size_limit_for_the_course_pack(settings):
    settings.SOURCE_MAX_BYTES = 1000

    with pytest.raises(PackError, match=r"more than the 1000\sbytes a source may have"):
        build_course(seeds_dir=PACK)


def test_one_size_limit_for_a_re_import(settings):
    source = Source.objects.get(slug="delta-news")
    settings.SOURCE_MAX_BYTES = 1000

    with pytest.raises(ValidationError) as refused:
        plan_source_reimport(source=source, data=b"A sentence. " * 100)
    assert "more than the 1000\xa0bytes a source may have" in refused.value.messages[0]


def test_the_command_takes_the_packs_cleaning_rules_and_can_dry_run(tmp_path):
    path = tmp_path / "crs.txt"
    path.write_text(WEB_COPY, encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('[clean]\nkeep_lines = ["The Policy Digest"]\n', encoding="utf-8")
    out = StringIO()
    call_command(
        "import_source",
        str(path),
        "--slug",
        "crs",
        "--title",
        "CRS",
        "--rules",
        str(rules),
        "--dry-run",
        stdout=out,
    )

    assert "Passages: 42" in out.getvalue() and "Dry run: nothing was saved." in out.getvalue()
    assert "(boilerplate: cookie notice)" in out.getvalue()
    assert not Source.objects.filter(slug="crs").exists()


def test_the_command_refuses_rules_it_cannot_read(tmp_path):
    path = tmp_path / "crs.txt"
    path.write_text(WEB_COPY, encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text('drop_lines = "Share"\n', encoding="utf-8")

    with pytest.raises(CommandError, match="drop_lines must be a list of strings"):
        call_command(
            "import_source", str(path), "--slug", "c", "--title", "C", "--rules", str(rules)
        )


def test_a_source_keeps_its_rules_for_a_re_import():
    source = import_source(
        slug="crs", title="CRS", data=WEB_COPY.encode(), clean_rules={"keep_lines": ["Subscribe"]}
    )
    plan = plan_source_reimport(source=source, data=WEB_COPY.encode())

    assert plan.is_same_file
    assert "Subscribe" in [block.text for block in plan.document.blocks]


# the list of sources


def test_the_source_list_costs_the_same_queries_however_many_sources(
    admin_client, django_assert_max_num_queries
):
    url = reverse("admin:courseware_source_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url)
    for number in range(5):
        import_source(slug=f"extra-{number}", title=f"Extra {number}", data=WEB_COPY.encode())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)

    html = response.content.decode()
    assert html.count(">41</td>") >= 5  # each extra source's passage count


def test_the_source_list_loads_no_text(admin_client, django_assert_max_num_queries):
    import_source(slug="crs", title="CRS", data=WEB_COPY.encode())
    with django_assert_max_num_queries(20) as queries:
        admin_client.get(reverse("admin:courseware_source_changelist"))

    listing = [q["sql"] for q in queries.captured_queries if 'FROM "courseware_source"' in q["sql"]]
    assert listing and all('"raw_text"' not in sql for sql in listing)
