from django.db import migrations

from collaboration.guidance.loader import load_answer_modes


def load(apps, schema_editor):
    """The prerequisites are each public party's own; the checklist is each party's own, to share."""
    load_answer_modes(apps, "answer_modes_v2.json")


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0015_party_answers")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
