"""A failed comparison names the mistakes that explain the value it got, all of them when
several do, and only when the value is wrong: a suspect equal to the right answer says nothing,
and suspects given as a function are computed only for a wrong value. The families name their
members in the student's words (in-process: no kernel)."""
import pytest
import torch

from autograder.checks import CheckFailed, expect_close, expect_equal
from autograder.diagnosis import (Suspect, across, batches, named, orders, parameter_updates,
                                  terms)


def failure(got, expected, mistakes):
    with pytest.raises(CheckFailed) as failed:
        expect_close(got, expected, hint="the general hint", mistakes=mistakes)
    return failed.value


def test_two_mistakes_that_give_the_same_value_are_both_named():
    error = failure(3.0, 1.0, [Suspect(3.0, "b's update reversed", "Subtract the gradient."),
                               Suspect(3.0, "b not updated", "Update b in place."),
                               Suspect(5.0, "w not updated", "Update w in place.")])
    assert error.mistake == "b's update reversed or b not updated"
    assert "Subtract the gradient." in error.hint and "Update b in place." in error.hint


def test_a_value_no_suspect_explains_names_no_mistake():
    error = failure(7.0, 1.0, [Suspect(3.0, "b not updated", "Update b in place.")])
    assert (error.mistake, error.hint) == ("", "the general hint")


def test_a_suspect_equal_to_the_answer_never_names_a_mistake():
    error = failure(1.0 + 1e-3, 1.0, [Suspect(1.0, "the bias left out", "Add the bias.")])
    assert error.mistake == ""


def test_suspects_given_as_a_function_are_computed_only_for_a_wrong_value():
    def never():
        raise AssertionError("computed for a right answer")

    expect_close(2.0, 2.0, hint="", mistakes=never)
    expect_equal(4, 4, hint="", mistakes=never)
    assert failure(3.0, 2.0, lambda: [named(3.0, "one too many", "count again.")]).hint == \
        "One too many: count again."


def test_families_name_their_members_in_the_students_words():
    w0, b0 = torch.tensor([0.0]), torch.tensor([0.0])
    updates = {suspect.mistake: suspect.value.tolist() for suspect in
               parameter_updates({"w": (w0, torch.tensor([1.0])),
                                  "b": (b0, torch.tensor([2.0]))}, lr=0.5)}
    assert updates["the update of b has the wrong sign"] == [1.0, -2.0]
    assert updates["w not updated; the update of b has the wrong sign"] == [0.0, -2.0]
    assert updates["w and b not updated"] == [0.0, 0.0]
    signs = {suspect.mistake: suspect.value for suspect in
             terms({"w * x": 6.0, "b": 1.0}, "w * x + b")}
    assert signs == {"the sign of the whole result is flipped": -7.0,
                     "the sign of w * x is flipped": -5.0, "w * x is left out": 1.0,
                     "the sign of b is flipped": 5.0, "b is left out": 6.0}
    means = {suspect.mistake: suspect.value for suspect in batches([1.0, 3.0], [3, 1], "items")}
    assert (means["the last batch alone"], means["the mean of the batch means"]) == (3.0, 2.0)
    per_epoch = across([batches([1.0, 3.0], [3, 1], "items"), batches([2.0, 4.0], [3, 1],
                                                                      "items")])
    assert ("the last batch alone", [3.0, 4.0]) in [(s.mistake, s.value) for s in per_epoch]


def test_orders_replay_every_other_order_and_skip_those_that_cannot_run():
    def replay(order):
        if order and order[0] == "b()":
            raise RuntimeError("b needs a first")
        return "".join(step[0] for step in order)

    found = {suspect.mistake: suspect.value for suspect in orders(replay, ("a()", "b()"))}
    assert found == {"b() left out": "a"}  # without a(), or with b() first, b() cannot run
