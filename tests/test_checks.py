"""kdlab.checks: the one copy of the checks every config shares, and the bugs the drifted copies had."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kdlab.checks import is_number, parse_scalar, process_alive
from kdlab.cli import main
from kdlab.compress.config import CompressRequest
from kdlab.config import parse_knobs
from kdlab.sweeps.spec import parse_axis, parse_range


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_compress_refuses_a_learning_rate_that_is_not_finite(value, capsys):
    assert main(["compress", "no-such-run", "--prune", "0.5", "--finetune", "1", f"--finetune-lr={value}"]) == 2
    assert "finetune_lr must be > 0" in capsys.readouterr().err
    with pytest.raises(ValueError, match="finetune_lr must be > 0"):
        CompressRequest(prune=0.5, finetune=1, finetune_lr=float(value)).validate()


def test_a_knob_and_a_grid_value_read_none_the_same_way():
    assert parse_knobs("limit=none,hidden=64,on=true,rate=0.5,name=abc") == {
        "limit": None, "hidden": 64, "on": True, "rate": 0.5, "name": "abc"}
    assert parse_axis("dataset_kw.limit=none,100") == ("dataset_kw.limit", [None, 100])
    assert [parse_scalar(t) for t in (" None ", "TRUE", "1e3", "x")] == [None, True, 1000.0, "x"]


def test_a_search_range_needs_finite_ends():
    name, search = parse_range("temperature=1:inf")  # parsed as typed, refused where a sweep is validated
    with pytest.raises(ValueError, match="the range needs two numbers"):
        search.validate(name)


def test_numbers_are_finite_and_never_bools():
    assert [is_number(v) for v in (1, 0.5, True, float("inf"), float("nan"), "1")] == [
        True, True, False, False, False, False]


def test_a_process_is_alive_until_it_has_ended():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    assert process_alive(os.getpid())
    child.wait()
    assert not process_alive(child.pid)
