"""Numbers as a person writes them: no None, NaN, six decimals or double signs reach a page."""
from __future__ import annotations

import math

import pytest

from kdlab.viz import numbers


@pytest.mark.parametrize("helper", [numbers.percent, numbers.percent_number, numbers.points, numbers.signed_points,
                                    numbers.weight, numbers.nbytes, numbers.seconds, numbers.p_value, numbers.count,
                                    numbers.ratio, numbers.measured])
@pytest.mark.parametrize("missing", [None, math.nan, math.inf, -math.inf, "abc"])
def test_a_missing_or_infinite_number_is_a_dash_never_none_or_nan(helper, missing):
    assert helper(missing) == numbers.MISSING


def test_percent_has_one_decimal_and_a_space():
    assert numbers.percent(0.98312) == "98.3 %"
    assert numbers.percent_number(0.997214) == "99.7"


def test_points_are_unsigned_for_sentences_and_signed_for_tables():
    assert numbers.points(-0.0084) == "0.8"
    assert numbers.signed_points(0.0123) == "+1.2"
    assert numbers.signed_points(-0.0084) == "\u22120.8"
    assert numbers.signed_points(0.0001) == "0.0"


def test_weights_read_as_typed():
    assert numbers.weight(0.9) == "0.9"
    assert numbers.weight(1000.0) == "1000"
    assert numbers.weight(0.900000) == "0.9"


def test_bytes_in_binary_units():
    assert numbers.nbytes(1132.4688) == "1.1 KiB"
    assert numbers.nbytes(512) == "512 B"
    assert numbers.nbytes(5 * 2**20) == "5.0 MiB"


def test_p_values_never_read_p_equals_less_than():
    assert numbers.p_value(2e-8) == "p < 0.001"
    assert numbers.p_value(0.0093) == "p = 0.009"
    assert numbers.p_value(0.4) == "p = 0.40"


def test_seconds_and_counts():
    assert numbers.seconds(2.346) == "2.3 s"
    assert numbers.seconds(0.0042) == "4 ms"
    assert numbers.seconds(125) == "2 min 5 s"
    assert numbers.count(1797) == "1,797"
    assert numbers.ratio(3.04) == "3.0×"


def test_a_latency_below_a_millisecond_keeps_two_significant_digits_and_is_never_zero():
    values = (12.345, 1.04, 0.44, 0.0308, 0.0)
    assert [numbers.milliseconds(v) for v in values] == ["12.3", "1.0", "0.44", "0.031", "0.0"]
    assert numbers.milliseconds(float("nan")) == numbers.MISSING


def test_a_measured_value_has_three_significant_digits_whatever_its_size():
    values = (0.0035551, 12.3456, 0.000123, 2.5e-07, 0.0)
    assert [numbers.measured(v) for v in values] == ["0.00356", "12.3", "1.23e-04", "2.50e-07", "0"]
