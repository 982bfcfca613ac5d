"""When Python's garbage collector runs: held off at start-up, full passes while idle."""

from __future__ import annotations

import gc

import pytest

from reader import collector


@pytest.fixture(autouse=True)
def usual_collector():
    usual = gc.get_threshold()
    yield usual
    collector.resume()
    gc.set_threshold(*usual)


def test_start_up_holds_young_passes_off_and_resume_brings_them_back(usual_collector):
    collector.hold_off()
    assert gc.get_threshold()[0] > usual_collector[0]
    collector.resume()
    assert gc.get_threshold() == usual_collector


def test_with_full_passes_while_idle_python_starts_few_of_its_own(usual_collector):
    collector.resume(full_passes_when_idle=True)
    young, middle, full = gc.get_threshold()
    assert (young, middle) == usual_collector[:2] and full > 10 * usual_collector[2]


def test_a_full_pass_while_idle_runs_once_as_many_young_passes_as_python_waits_for(usual_collector):
    collector.resume(full_passes_when_idle=True)
    gc.collect()
    assert gc.get_count()[2] == 0
    assert not collector.collect_while_idle()  # nothing young has been collected since
    for _ in range(usual_collector[2]):
        gc.collect(1)  # each adds one to the count of young passes since the last full one
    assert gc.get_count()[2] >= usual_collector[2]
    assert collector.collect_while_idle()
    assert gc.get_count()[2] == 0
