"""The garbage-collector pause used by the large reads."""

import gc

import pytest

from pmo.core.memory import collector_paused


def test_collection_is_paused_inside_and_back_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_collection_to_the_outer_one():
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
