"""The shipped .streamlit/config.toml and secrets example: real option names, safe values."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

import settings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_every_option_exists_in_this_streamlit():
    known = set(streamlit_config._config_options_template)
    used = {f"{section}.{name}" for section, options in CONFIG.items() for name in options}
    assert used and used <= known, used - known


@pytest.mark.parametrize("option, expected", [
    ("client.showErrorDetails", "none"),
    ("client.toolbarMode", "viewer"),
    ("server.enableXsrfProtection", True),
    ("server.enableCORS", True),
    ("server.corsAllowedOrigins", []),
    ("browser.gatherUsageStats", False),
], ids=lambda v: str(v))
def test_safe_values(option, expected):
    section, name = option.split(".")
    assert CONFIG[section][name] == expected


def test_upload_limit_matches_the_setting():
    default = next(s.default for s in settings.SETTINGS if s.name == "max_upload_mb")
    assert CONFIG["server"]["maxUploadSize"] == default == 200


def test_no_secret_is_committed():
    # The cookie secret comes from the secrets file or the environment, never config.toml.
    assert "cookieSecret" not in CONFIG.get("server", {})
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


def test_the_secrets_example_has_what_st_login_needs():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text("utf-8"))
    assert set(example["auth"]) == {"redirect_uri", "cookie_secret", "client_id", "client_secret",
                                    "server_metadata_url"}
    assert example["auth"]["redirect_uri"].endswith("/oauth2callback")
