"""Settings come from SPAMSCORE_* variables; bad values are refused with a clear message."""

from __future__ import annotations

import pytest

from scorer.errors import SettingsError
from scorer.settings import Limits, Settings


def test_defaults():
    settings = Settings.from_env({})
    assert settings.threshold == 5.0 and settings.lang == "en" and not settings.offline
    assert settings.limits == Limits()


def test_every_limit_has_a_variable():
    env = {f"SPAMSCORE_{name.upper()}": "7" for name in Limits.__dataclass_fields__}
    limits = Settings.from_env(env).limits
    assert all(getattr(limits, name) == 7 for name in Limits.__dataclass_fields__)


def test_values(monkeypatch):
    settings = Settings.from_env(
        {
            "SPAMSCORE_THRESHOLD": "6.5",
            "SPAMSCORE_LANG": "ja",
            "SPAMSCORE_OFFLINE": "yes",
            "SPAMSCORE_NAMESERVERS": "127.0.0.1:5353, 10.0.0.1",
            "SPAMSCORE_CLASSIFIER": "0",
        }
    )
    assert settings.threshold == 6.5 and settings.lang == "ja" and settings.offline
    assert settings.nameservers == ("127.0.0.1:5353", "10.0.0.1")
    assert not settings.use_classifier


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SPAMSCORE_MAX_PARTS", "many"),
        ("SPAMSCORE_MAX_PARTS", "0"),
        ("SPAMSCORE_LANG", "fr"),
        ("SPAMSCORE_OFFLINE", "perhaps"),
        ("SPAMSCORE_THRESHOLD", "high"),
    ],
)
def test_bad_values(key, value):
    with pytest.raises(SettingsError, match=key):
        Settings.from_env({key: value})
