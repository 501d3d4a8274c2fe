from django.db import migrations

from collaboration.guidance.loader import load_forms, load_guides, load_phase_principles


def adopt(apps, schema_editor):
    """Record which rows the v1 content loaded and how they looked, so admins' edits made since are kept."""
    load_forms(apps, "forms_v1.json", adopt=True)
    load_guides(apps, "guidance_v1.json", adopt=True)
    load_phase_principles(apps, "guidance_v1.json", adopt=True)


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0010_shipped_content")]
    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
