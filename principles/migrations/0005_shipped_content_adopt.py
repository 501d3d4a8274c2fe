from django.db import migrations

from principles.content.loader import load_principles


def adopt(apps, schema_editor):
    """Record which principles the v1 content loaded and how they looked, so admins' edits are kept."""
    load_principles(apps, "principles_v1.json", adopt=True)


class Migration(migrations.Migration):
    dependencies = [("principles", "0004_shipped_content")]
    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
