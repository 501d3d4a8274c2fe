from django.db import migrations

from collaboration.guidance.loader import load_forms, load_guides


def load(apps, schema_editor):
    load_forms(apps, "forms_v1.json")
    load_guides(apps, "guidance_v1.json")


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
