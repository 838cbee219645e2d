"""Settings come from CRADLETRACE_* variables, with defaults that work on a fresh machine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cradletrace.errors import ConfigurationError
from cradletrace.settings import Limits, load_discount_threshold, load_limits, load_settings


def test_defaults_point_at_the_instance_sqlite_file(tmp_path: Path) -> None:
    s = load_settings({"CRADLETRACE_INSTANCE_PATH": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'cradletrace.db'}"
    assert s.resolver_url == "https://id.gs1.org"
    assert s.company_prefixes == ()
    assert s.secret_key


def test_environment_overrides() -> None:
    s = load_settings({
        "CRADLETRACE_DATABASE_URL": "postgresql://u@h/db",
        "CRADLETRACE_SECRET_KEY": "k",
        "CRADLETRACE_RESOLVER_URL": "https://trace.example.com/",
        "CRADLETRACE_COMPANY_PREFIXES": "0614141,95012345",
    })
    assert s.database_url == "postgresql://u@h/db"
    assert s.secret_key == "k"
    assert s.resolver_url == "https://trace.example.com"
    assert s.company_prefixes == ("0614141", "95012345")


def test_source_checkout_uses_its_instance_folder() -> None:
    s = load_settings({})
    assert s.instance_path == Path(__file__).resolve().parents[1] / "instance"


@pytest.mark.parametrize("bad", ["12345", "1234567890123", "12a456"])
def test_bad_company_prefix_is_named(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=f"'{bad}' is not a GS1 company prefix"):
        load_settings({"CRADLETRACE_COMPANY_PREFIXES": bad})


def test_limit_settings_are_read_from_the_environment() -> None:
    limits = load_limits({"CRADLETRACE_MAX_NESTING": "80", "CRADLETRACE_MAX_VALUE_BYTES": "2_000_000",
                          "CRADLETRACE_MAX_EVENTS": "100", "CRADLETRACE_MAX_DOCUMENT_BYTES": "5000"})
    assert limits == Limits(max_nesting=80, max_value_bytes=2_000_000, max_events=100, max_document_bytes=5000)
    assert load_settings({}).limits == Limits() == Limits(64, 1 << 20, 10_000_000, 2 << 30)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("CRADLETRACE_MAX_NESTING", "121", "121 is not a nesting limit: give 2 to 120"),
    ("CRADLETRACE_MAX_EVENTS", "0", "0 is not a limit"),
    ("CRADLETRACE_MAX_VALUE_BYTES", "1MB", "'1MB' is not a whole number"),
])
def test_a_bad_limit_setting_is_named(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{variable}: {message}"):
        load_limits({variable: value})


def test_discount_approval_threshold_and_seller() -> None:
    assert load_settings({}).discount_approval_threshold == Decimal("0.15")
    s = load_settings({"CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD": " 0.2 ", "CRADLETRACE_SELLER": "9520999999990"})
    assert (s.discount_approval_threshold, s.seller) == (Decimal("0.2"), "9520999999990")
    assert load_settings({}).seller is None


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "15%", "nan"])
def test_a_bad_discount_threshold_is_named(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD: '{bad}' is not a "
                                                 r"fraction from 0 to 1 \(0.15 is 15 %\)"):
        load_discount_threshold({"CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD": bad})
