from django.db import migrations

from principles.content.loader import load_discussion_questions


def load(apps, schema_editor):
    load_discussion_questions(apps, "discussion_v1.json")


class Migration(migrations.Migration):
    dependencies = [("principles", "0006_discussion_questions"), ("principles", "0005_shipped_content_adopt")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
