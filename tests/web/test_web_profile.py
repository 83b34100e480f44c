"""My profile: changed by the same command as the API, errors at their fields."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.conftest import Demo, csrf_token, log_in

EMAIL = "viewer@betoncentrale.example.be"


def _save(client: FlaskClient, **fields: str) -> str:
    page = client.get("/profile").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "first_name": "Vera",
        "last_name": "Viewer",
        "job_title": "",
        "language": "nl",
        **fields,
    }
    return client.post("/profile", data=data, follow_redirects=True).get_data(as_text=True)


def test_a_viewer_changes_name_and_phone(demo: Demo, client: FlaskClient) -> None:
    log_in(client, EMAIL)
    html = _save(
        client,
        job_title="Dispatcher",
        **{"phone_numbers[0].label": "gsm", "phone_numbers[0].number": "0470 12 34 99"},
    )
    assert "Je profiel is opgeslagen." in html
    user = demo.services.app.user_by_email(EMAIL)
    assert user is not None
    assert user.profile.job_title == "Dispatcher"
    assert [p.number for p in user.profile.phone_numbers] == ["+32470123499"]


def test_a_wrong_phone_number_is_shown_at_its_field(client: FlaskClient) -> None:
    log_in(client, EMAIL)
    html = _save(client, **{"phone_numbers[0].label": "gsm", "phone_numbers[0].number": "12"})
    assert 'id="error-phone_numbers[0]-number"' in html


def test_the_profile_language_becomes_the_ui_language(client: FlaskClient) -> None:
    log_in(client, EMAIL)
    assert "Mon profil" in _save(client, language="fr")
    assert "My profile" in _save(client, language="en")
    _save(client, language="nl")
