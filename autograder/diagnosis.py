"""Diagnosis by distortion families: what the usual wrong versions of a computation return on
the same inputs, each with the mistake it names.

When a student's value differs from the reference's, ``expect_close`` and ``expect_equal``
compare it with *suspects*: values that a typical wrong implementation would have returned on
the same inputs. A suspect that matches names its mistake (``CheckResult.mistake``: a few
stable words in the student's terms, which a class report can count) and gives its hint; when
several mistakes explain the same value, the feedback names each of them rather than guess.

A family of suspects is declared in one line by naming the parts of the computation; its
values come from the reference's own parts, on the check's inputs:

    terms({"w * x": w * x, "b": b}, "w * x + b")     a term's sign flipped, a term left out
    parameter_updates({"w": (w0, w1), "b": (b0, b1)}, lr, n)
                                                     a parameter's step reversed, skipped,
                                                     without lr, n times too large or small
    mean_over(expected, n, "sequences")              a sum, a division by n twice or by n - 1
    layouts(expected, ("L", "positions"), ("4", "bases"))
                                                     transposed, reshaped, flattened, reversed
    ends(expected, "position")                       the first or the last one left out
    off_by_one(expected, "epoch")                    one more or one less (counts, indices)
    batches(batch_means, batch_sizes, "sequences")   one batch alone, batch means averaged
    across([family(epoch) for epoch in ...])         a family at every epoch, as one list
    orders(replay, ("zero_grad()", "backward()", "step()"))
                                                     the steps in another order, one left out

A family's hint starts with the mistake it names, then says what to do (``named``); every
family takes ``hints``, {mistake: hint}, to say a member in the exercise's own words. Hints never
state the expected value: a check's inputs are hidden.
"""
import itertools
from typing import NamedTuple

import torch


class Suspect(NamedTuple):
    """What a typical wrong implementation returns, and the mistake that explains it.

    value: the wrong value, on the check's inputs; mistake: the mistake in a few words, in the
    student's terms ("the update of b has the wrong sign"), the same wherever it is recognised;
    hint: what to do instead, without the expected value.
    """

    value: object
    mistake: str
    hint: str


def named(value, mistake, fix):
    """The Suspect ``value`` whose hint names ``mistake`` and then says ``fix`` (the first word
    capitalized, unless it is a name from the code, such as ``w`` or ``optimizer.step()``)."""
    first = mistake.split(" ", 1)[0]
    said = mistake[0].upper() + mistake[1:] if first.isalpha() and len(first) > 1 else mistake
    return Suspect(value, mistake, f"{said}: {fix}")


def _said(suspects, hints):
    """``suspects`` with the hints of ``hints`` ({mistake: hint}) in place of the family's."""
    hints = hints or {}
    return [suspect._replace(hint=hints.get(suspect.mistake, suspect.hint))
            for suspect in suspects]


def terms(parts, formula, total=lambda value: value, hints=None):
    """A sum of terms with one term's sign flipped, one term left out, or every sign flipped.

    parts: {name: value} the terms that ``formula`` adds up ({"w * x": w * x, "b": b});
    formula: the sum as the student reads it ("w * x + b"); total: what the computation does
    with the sum (``lambda s: -s.mean()`` for a loss that averages the negated sum).
    """
    names = list(parts)

    def combined(signs):
        return total(sum(sign * parts[name] for name, sign in zip(names, signs)))

    suspects = [named(combined([-1] * len(names)), "the sign of the whole result is flipped",
                      f"the result is {formula}.")]
    for index, name in enumerate(names):
        flipped = [-1 if other == index else 1 for other in range(len(names))]
        left_out = [0 if other == index else 1 for other in range(len(names))]
        suspects += [named(combined(flipped), f"the sign of {name} is flipped",
                           f"the result is {formula}."),
                     named(combined(left_out), f"{name} is left out",
                           f"the result is {formula}.")]
    return _said(suspects, hints)


def _update_kinds(lr, n):
    """{kind: (factor of the right step, mistake, what to do)}; in the texts "{p}" stands for
    the parameters concerned and "{one}" for the first of them."""
    kinds = {"reversed": (-1.0, "the update of {p} has the wrong sign",
                          "step against the gradient ({one} -= lr * {one}.grad goes downhill)."),
             "skipped": (0.0, "{p} not updated",
                         "update in place under torch.no_grad() ({one} -= lr * {one}.grad): "
                         "`{one} = {one} - ...` only changes a local name."),
             "without lr": (1.0 / lr, "the update of {p} is not scaled by lr",
                            "multiply the gradient by the learning rate lr."),
             "lr twice": (lr, "the update of {p} is scaled by lr twice",
                          "multiply the gradient by lr once."),
             "twice": (2.0, "{p} updated twice", "update once per step.")}
    if n and n > 1:
        kinds["n times"] = (float(n), "the update of {p} is N times too large",
                            "the loss is a mean over the N examples, not a sum; the step is lr "
                            "times the gradient of that mean.")
        kinds["1/n"] = (1.0 / n, "the update of {p} is N times too small",
                        "the step is lr times the gradient, not divided by N.")
    return kinds


def parameter_updates(steps, lr, n=None, hints=None):
    """Each parameter's update reversed, skipped, without lr or with it twice, doubled or n
    times off, alone or together with the others' (every combination but all right).

    steps: {name: (before, after)} each parameter before and after one right update (tensors of
    any shape); lr: the learning rate; n: the number of examples the loss averages (None: no
    n-fold suspects). Each suspect is the parameters after the update, concatenated flat in
    the order of ``steps``.
    """
    kinds = _update_kinds(lr, n)
    names = list(steps)
    choices = [None, *kinds]  # None: the right update
    suspects = []
    for chosen in itertools.product(choices, repeat=len(names)):
        if all(kind is None for kind in chosen):
            continue
        value = torch.cat([(before + (1.0 if kind is None else kinds[kind][0]) * (after - before))
                           .reshape(-1) for (before, after), kind in zip(steps.values(), chosen)])
        groups = {kind: [name for name, other in zip(names, chosen) if other == kind]
                  for kind in dict.fromkeys(chosen) if kind is not None}
        said = [named(value, kinds[kind][1].format(p=" and ".join(group)),
                      kinds[kind][2].format(one=group[0])) for kind, group in groups.items()]
        suspects.append(Suspect(value, "; ".join(part.mistake for part in said),
                                " ".join(part.hint for part in said)))
    return _said(suspects, hints)


def mean_over(expected, n, items, per_item=None, hints=None):
    """A mean over ``n`` items (``items``: what they are, e.g. "sequences") computed as a sum,
    divided by n twice or by n - 1, or (given ``per_item``, the values it averages) not
    averaged at all."""
    suspects = [] if per_item is None else [
        named(per_item, f"one value per item, not the mean over the {items}",
              "average them into one number (.mean()).")]
    if n <= 1:
        return _said(suspects, hints)
    suspects += [named(expected * n, f"summed over the {items} instead of averaging",
                       "use the mean, not the sum."),
                 named(expected / n, f"divided by the number of {items} twice",
                       "divide once (a mean already divides)."),
                 named(expected * n / (n - 1), "divided by N - 1 instead of N",
                       f"a mean over the {items} divides by their number N.")]
    return _said(suspects, hints)


def _shape_text(axes, order):
    return "(" + ", ".join(axes[index][0] for index in order) + ")"


def layouts(expected, *axes, hints=None):
    """``expected`` in another layout: two axes swapped (transposed), reshaped to the swapped
    shape, reshaped from it or to it and back (which scrambles the values), flattened, with an
    extra axis of size 1, or reversed along one axis.

    axes: (symbol, name) of each dimension, e.g. ("L", "positions"), ("4", "bases").
    """
    right = _shape_text(axes, range(len(axes)))
    suspects = []
    for first, second in itertools.combinations(range(len(axes)), 2):
        order = list(range(len(axes)))
        order[first], order[second] = second, first
        swapped = expected.transpose(first, second)
        shape, names = _shape_text(axes, order), f"{axes[first][1]} and {axes[second][1]}"
        suspects += [named(swapped, f"{shape} instead of {right}",
                           f"swap the axes back (.transpose({first}, {second}))."),
                     named(expected.reshape(swapped.shape), f"reshaped to {shape}",
                           f"the result is {right}; reshape/view does not transpose, it "
                           f"scrambles the {names}."),
                     named(swapped.reshape(expected.shape),
                           f"{names} scrambled by a reshape from {shape}",
                           f"reshape/view does not transpose: use .transpose({first}, {second}) "
                           "(or .permute) to reorder axes."),
                     named(expected.reshape(swapped.shape).transpose(first, second),
                           f"{names} scrambled by a reshape to {shape}, then transposed",
                           f"reshape/view does not transpose: build the result {right} "
                           "directly, or .transpose the data in its own layout.")]
    if len(axes) > 1:
        suspects.append(named(expected.reshape(-1), "flattened",
                              f"keep the shape {right}."))
    suspects += [named(expected.unsqueeze(0), f"an extra axis: (1, {right[1:]}",
                       f"the result is {right}."),
                 named(expected.unsqueeze(-1), f"an extra axis: {right[:-1]}, 1)",
                       f"the result is {right}.")]
    for index, (_, name) in enumerate(axes):
        if expected.shape[index] > 1:
            suspects.append(named(expected.flip(index), f"the {name} in reverse order",
                                  f"keep the {name} in their order."))
    return _said(suspects, hints)


def ends(expected, what, dim=0, hints=None):
    """``expected`` without its first or without its last entry along ``dim`` (a loop that
    starts one late or stops one early); what: one entry in words ("position")."""
    length = expected.shape[dim]
    if length < 2:
        return []
    suspects = [named(expected.narrow(dim, 1, length - 1), f"the first {what} left out",
                      f"start at the first {what} (index 0)."),
                named(expected.narrow(dim, 0, length - 1), f"the last {what} left out",
                      f"go up to the last {what} (range(n) stops before n).")]
    return _said(suspects, hints)


def off_by_one(expected, what, hints=None):
    """An int one too large or one too small: counting from 1, or the first or last ``what``
    (in words, e.g. "epoch") dropped or counted twice."""
    suspects = [named(expected + 1, f"one {what} too many",
                      f"count again, from the first {what} (index 0) to the last."),
                named(expected - 1, f"one {what} too few",
                      f"count again: is the first or the last {what} missing?")]
    return _said(suspects, hints)


def batches(batch_means, batch_sizes, items, hints=None):
    """A mean over all ``items`` (e.g. "sequences") of a loader, computed wrongly from its
    batches: one batch alone, the batch means averaged or added up, the total not divided, or
    divided by the number of batches.

    batch_means: each batch's mean; batch_sizes: the number of items in each batch.
    """
    means = torch.as_tensor(batch_means, dtype=torch.float64)
    sizes = torch.as_tensor(batch_sizes, dtype=torch.float64)
    total = float((means * sizes).sum())
    whole = f"use every batch, weighting each by its number of {items}."
    suspects = [named(float(means[-1]), "the last batch alone", whole),
                named(float(means[0]), "the first batch alone", whole),
                named(total, f"the total not divided by the number of {items}",
                      f"divide the total by the number of {items}."),
                named(total / len(means), f"divided by the number of batches, not of {items}",
                      f"divide the total by the number of {items}."),
                named(float(means.sum()), "the sum of the batch means",
                      f"add each batch's mean times its size, then divide by the number of "
                      f"{items}.")]
    if len(means) > 1:
        suspects.append(named(float(means.mean()), "the mean of the batch means",
                              f"weight each batch by its number of {items}: the last batch can "
                              "be smaller than the others."))
    return _said(suspects, hints)


def orders(replay, steps, hints=None):
    """The steps of a procedure in another order, or one of them left out.

    replay(order): the value the procedure gives when it runs the steps named in ``order`` (a
    tuple of names from ``steps``); steps: the step names in the right order, as the student
    writes them ("zero_grad()", "backward()", "step()"). An order whose replay raises (as the
    student's code would, e.g. a step reading a gradient that is not there yet) gives no
    suspect.
    """
    right = " → ".join(steps)
    candidates = []
    for step in steps:
        candidates.append(([other for other in steps if other != step], f"{step} left out",
                           f"the order is {right}."))
    for order in itertools.permutations(steps):
        if list(order) != list(steps):
            place = next(index for index, (step, wanted) in enumerate(zip(order, steps))
                         if step != wanted)
            candidates.append((list(order), f"{order[place]} before {steps[place]}",
                               f"the order is {right}."))
    suspects = []
    for order, mistake, fix in candidates:
        try:
            suspects.append(named(replay(tuple(order)), mistake, fix))
        except (RuntimeError, TypeError, AttributeError):
            continue
    return _said(suspects, hints)


def across(suspect_lists):
    """One suspect per mistake of a family computed at several steps (once per epoch, say):
    its value is the list of that mistake's values at every step, in order. suspect_lists: the
    family's suspects at each step; a mistake missing at some step is left out."""
    steps = [{suspect.mistake: suspect for suspect in suspects} for suspects in suspect_lists]
    return [Suspect([step[mistake].value for step in steps], mistake, suspect.hint)
            for mistake, suspect in steps[0].items() if all(mistake in step for step in steps)]
