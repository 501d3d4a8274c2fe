from django.db import migrations

from collaboration.content.loader import load_principles


def load(apps, schema_editor):
    load_principles(apps, "principles_v1.json", "guidance_v1.json")


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial"), ("collaboration", "0003_content")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
