from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from courseware.models import Source

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Keep Example News independent\n"
    "Border officials in Nuevo León reported new seizures.\n\n"
    "What changed in 2026\n\n"
    "Officials said the seizures rose sharply.\n"
    "- Rifles were the largest share.\n"
    "- Ammunition came second.\n"
    "Scroll to Top\n"
)


def run_import(path, *extra):
    out = StringIO()
    call_command("import_source", str(path), *extra, stdout=out)
    return out.getvalue()


def test_import_source_runs_the_pipeline_and_shows_what_it_did(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out = run_import(
        path,
        "--slug",
        "border-news",
        "--title",
        "Border news",
        "--kind",
        "news",
        "--published",
        "2026-01",
    )
    source = Source.objects.get(slug="border-news")
    assert source.kind == "news" and source.published == "2026-01"
    assert "Scroll to Top" not in source.text and "Keep Example News independent" not in source.text
    assert [p.kind for p in source.passages.all()] == [
        "paragraph",
        "heading",
        "paragraph",
        "list_item",
        "list_item",
    ]
    assert "Removed lines: 2" in out
    assert "line 9: 'Scroll to Top'" in out
    assert "[heading] What changed in 2026" in out
    assert "Imported source 'border-news'." in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Le\u00f3n".encode("latin-1") + b" is a city.", "UTF-8"),
    ],
)
def test_import_source_refuses_files_that_are_not_plain_utf8_text(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run_import(path, "--slug", "bad", "--title", "Bad")
    assert message in str(error.value)
    assert not Source.objects.filter(slug="bad").exists()


def test_import_source_refuses_a_slug_that_is_taken(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    with pytest.raises(CommandError) as error:
        run_import(path, "--slug", "delta-news", "--title", "Again")
    assert "already exists" in str(error.value)


def test_import_source_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as error:
        run_import(tmp_path / "missing.txt", "--slug", "x", "--title", "X")
    assert "is not a file" in str(error.value)


def add_form(**extra):
    return {
        "slug": "pasted",
        "title": "Pasted",
        "kind": "news",
        "author": "",
        "publisher": "",
        "published": "",
        "note": "",
        **extra,
    }


def preview_token(response):
    """The signed token of the preview a page shows (it carries what was previewed)."""
    found = re.search(r'name="preview_token" value="([^"]+)"', response.content.decode())
    assert found, "no preview on the page"
    return found[1]


def add_source(client, **extra):
    """Add a source as a teacher does: preview it, then save what was previewed."""
    url = reverse("admin:courseware_source_add")
    preview = client.post(url, add_form(**extra))
    assert preview.status_code == 200
    assert not Source.objects.filter(slug=extra.get("slug", "pasted")).exists()
    extra.pop("upload", None)
    return client.post(url, add_form(**extra, preview_token=preview_token(preview)), follow=True)


def test_a_teacher_can_add_a_source_by_pasting_and_then_sees_passages_and_removed_lines(
    admin_client,
):
    response = add_source(admin_client, paste=ARTICLE)
    assert response.status_code == 200
    source = Source.objects.get(slug="pasted")
    assert source.passages.count() == 5
    page = admin_client.get(
        reverse("admin:courseware_source_change", args=[source.pk])
    ).content.decode()
    assert "Scroll to Top" in page  # listed among removed lines
    assert "What changed in 2026" in page


def test_a_teacher_can_add_a_source_by_upload(admin_client):
    upload = SimpleUploadedFile("a.txt", ARTICLE.encode(), content_type="text/plain")
    add_source(admin_client, slug="uploaded", upload=upload)
    assert Source.objects.get(slug="uploaded").passages.count() == 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "Upload a file or paste the text"),
        ({"paste": "   "}, "Upload a file or paste the text"),
        ({"upload": SimpleUploadedFile("b.bin", b"\x00\x01\x02binary")}, "binary"),
        ({"slug": "delta-news", "paste": ARTICLE}, "already exists"),
        ({"published": "last year", "paste": ARTICLE}, "YYYY"),
    ],
)
def test_the_admin_import_form_explains_bad_input_and_keeps_it(admin_client, extra, message):
    response = admin_client.post(reverse("admin:courseware_source_add"), add_form(**extra))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert Source.objects.filter(slug="pasted").count() == 0
    assert 'value="Pasted"' in html  # what the teacher typed is still there


@pytest.mark.parametrize(
    "name", ["prompt", "post", "readingprogress", "source", "reading", "course"]
)
def test_the_courseware_admin_pages_open(admin_client, name):
    assert admin_client.get(reverse(f"admin:courseware_{name}_changelist")).status_code == 200
