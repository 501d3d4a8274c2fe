from django.db import migrations

from principles.content.loader import load_principles


def load(apps, schema_editor):
    # The phase links this migration once loaded are loaded by the collaboration app
    # now (collaboration 0009_phaseprinciple_copy), which owns them.
    load_principles(apps, "principles_v1.json")


class Migration(migrations.Migration):
    dependencies = [("principles", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
