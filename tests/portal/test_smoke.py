from django.urls import reverse


def test_start_page_lists_the_collaborations_of_the_users_organisation(cast, officer_client):
    response = officer_client.get(reverse("home"))
    assert response.status_code == 200
    assert "Läxhjälp i Centrum" in response.text
    assert "Halmstads kommun" in response.text
