"""SSCC-18 as GS1 defines it (extension, company prefix from the settings, serial, check digit,
read back by biip), the serial range of a prefix used up, and the packing settings."""

from __future__ import annotations

import pytest
from biip.sscc import Sscc

from wms_terminal.config import gs1_company_prefix, pack_weight_tolerance
from wms_terminal.core.errors import ConfigurationError, ValidationError
from wms_terminal.packing.close import allowed_deviation
from wms_terminal.packing.sscc import sscc_for


def test_an_sscc_reads_back_with_its_prefix_and_serial():
    got = sscc_for("8712345", 42)
    assert len(got) == 18
    parsed = Sscc.parse(got)  # biip checks the check digit
    assert parsed.extension_digit == 0
    assert parsed.payload == "0" + "8712345" + "000000042"
    assert parsed.prefix is not None and parsed.prefix.usage == "GS1 Netherlands"
    with pytest.raises(ValidationError, match="used up"):
        sscc_for("87123456789", 100_000)  # 11-digit prefix: 5-digit serials


def test_the_prefix_and_the_tolerance_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("WMS_GS1_COMPANY_PREFIX", raising=False)
    assert gs1_company_prefix() == "8712345"
    monkeypatch.setenv("WMS_GS1_COMPANY_PREFIX", "5412345678")
    assert gs1_company_prefix() == "5412345678"
    for bad in ("54-123", "12345", "1234567890123"):
        monkeypatch.setenv("WMS_GS1_COMPANY_PREFIX", bad)
        with pytest.raises(ConfigurationError, match="6 to 12 digits"):
            gs1_company_prefix()
    monkeypatch.delenv("WMS_PACK_WEIGHT_TOLERANCE", raising=False)
    assert pack_weight_tolerance() == (5.0, 50)
    assert allowed_deviation(400) == 50 and allowed_deviation(4000) == 200
    monkeypatch.setenv("WMS_PACK_WEIGHT_TOLERANCE", "30")
    assert pack_weight_tolerance() == (0.0, 30) and allowed_deviation(4000) == 30
    monkeypatch.setenv("WMS_PACK_WEIGHT_TOLERANCE", "2.5%")
    assert allowed_deviation(4000) == 100
    for bad in ("five", "120%", "-3"):
        monkeypatch.setenv("WMS_PACK_WEIGHT_TOLERANCE", bad)
        with pytest.raises(ConfigurationError, match="WMS_PACK_WEIGHT_TOLERANCE"):
            pack_weight_tolerance()
