from django.db import migrations

from collaboration.guidance.loader import load_phase_principles


def copy(apps, schema_editor):
    """Load the shipped phase↔principle links, which this app owns.

    They lived in the principles app at first; the installs of that time copied them here when this
    migration ran. The principles app's migrations no longer name them (it depends on no app of the
    project), so a new install loads the shipped links here.
    """
    New = apps.get_model("collaboration", "PhasePrinciple")
    if not New.objects.exists():
        load_phase_principles(apps, "guidance_v1.json")


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0008_phaseprinciple"), ("principles", "0002_content")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
