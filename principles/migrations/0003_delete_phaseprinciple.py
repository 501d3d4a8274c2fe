from django.db import migrations


class Migration(migrations.Migration):
    """Once: the phase links left this app (they are collaboration.PhasePrinciple).

    Kept, empty, so that installs that ran it keep a consistent history: the first migration no longer
    creates the links here, so there is nothing to delete. Installs that had them ran the copy in
    collaboration 0009 and this deletion before the links were taken out of 0001.
    """

    dependencies = [("principles", "0002_content")]
    operations = []
