"""The principles page shows each principle and the phases that lean on it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_page_names_the_phases_each_principle_matters_in(client):
    html = client.get(reverse("principle_list")).text
    dialog = html[html.index('id="princip-dialog"') :]
    dialog = dialog[: dialog.index("</section>")]
    assert "Särskilt viktig i:" in dialog
    assert "Identifiera och involvera" in dialog
    assert dialog.index("Identifiera och involvera") < dialog.index("Planera och justera")
