# Reading levels, word counts and minutes are stored on the Reading when its text changes
# instead of being computed from every passage on every page view; existing rows are measured
# here, as courseware.models.Reading.measure does (pure functions of the ingest core).

from django.db import migrations, models

from courseware.ingest import count_words, flesch_kincaid_grade, reading_minutes


def measure_readings(apps, schema_editor):
    Reading = apps.get_model("courseware", "Reading")
    ReadingPassage = apps.get_model("courseware", "ReadingPassage")
    for reading in Reading.objects.all():
        texts = (
            ReadingPassage.objects.filter(reading=reading)
            .exclude(passage__kind="heading")
            .order_by("position")
            .values_list("passage__text", flat=True)
        )
        text = "\n\n".join(texts)
        reading.word_count = count_words(text)
        reading.minutes = reading_minutes(reading.word_count)
        reading.grade_level = flesch_kincaid_grade(text)
        reading.save(update_fields=["word_count", "minutes", "grade_level"])


class Migration(migrations.Migration):
    dependencies = [
        ("courseware", "0008_course_grade_export_settings_and_oneroster_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="reading",
            name="word_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="reading",
            name="minutes",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="reading",
            name="grade_level",
            field=models.FloatField(
                default=0.0,
                editable=False,
                help_text="Flesch–Kincaid grade level of the body text.",
            ),
        ),
        migrations.RunPython(measure_readings, migrations.RunPython.noop),
    ]
