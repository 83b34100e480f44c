"""The HTTP layer's settings: the map tiles are off unless a valid URL template is given."""

from __future__ import annotations

import pytest

from api.settings import DEFAULT_MAP_ATTRIBUTION, ApiSettings

SECRET = {"BETOTRACE_SECRET_KEY": "unit-secret"}


def test_no_tile_server_means_no_map() -> None:
    settings = ApiSettings.from_env(SECRET)
    assert settings.map_tiles_url == ""
    assert settings.map_attribution == DEFAULT_MAP_ATTRIBUTION


def test_a_tile_server_and_its_attribution_are_read() -> None:
    settings = ApiSettings.from_env(
        {
            **SECRET,
            "BETOTRACE_MAP_TILES_URL": " https://tile.example.org/{z}/{x}/{y}.png ",
            "BETOTRACE_MAP_ATTRIBUTION": "© Example tiles",
        }
    )
    assert settings.map_tiles_url == "https://tile.example.org/{z}/{x}/{y}.png"
    assert settings.map_attribution == "© Example tiles"


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("tile.example.org/{z}/{x}/{y}.png", "http(s) URL"),
        ("javascript:alert(1)//{z}/{x}/{y}", "http(s) URL"),
        ("https://tile.example.org/{z}/{x}.png", "{z}, {x} and {y}"),
    ],
)
def test_a_bad_tile_url_is_refused_at_start(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match="BETOTRACE_MAP_TILES_URL") as refused:
        ApiSettings.from_env({**SECRET, "BETOTRACE_MAP_TILES_URL": url})
    assert complaint in str(refused.value)
