"""Parties that existed before consent was asked for took part already: mark them accepted.

Organisations that no other organisation registered (loaded with the portal or
added by a site admin) count as verified; those registered by a partner wait for
a site admin.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def forwards(apps, schema_editor):
    Party = apps.get_model("collaboration", "Party")
    Organisation = apps.get_model("collaboration", "Organisation")
    Party.objects.all().update(state="med", answered_at=F("joined_at"))
    Organisation.objects.filter(registered_by__isnull=True, verified_at__isnull=True).update(verified_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0005_party_consent_and_verification")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
