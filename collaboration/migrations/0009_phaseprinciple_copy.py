from django.db import migrations

from collaboration.content.loader import load_phase_principles


def copy(apps, schema_editor):
    """Copy the phase↔principle links from the principles app, where they used to live."""
    Old = apps.get_model("principles", "PhasePrinciple")
    New = apps.get_model("collaboration", "PhasePrinciple")
    rows = [
        New(phase_id=old.phase_id, principle_id=old.principle_id, why=old.why, order=old.order)
        for old in Old.objects.all()
    ]
    if rows:
        New.objects.bulk_create(rows)
    else:
        # A new install: principles 0002 no longer loads the links, so load the shipped ones here.
        load_phase_principles(apps, "guidance_v1.json")


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0008_phaseprinciple"), ("principles", "0002_content")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
