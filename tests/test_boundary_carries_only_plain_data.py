"""What crosses the sandbox boundary is plain data: it round-trips, and nothing else decodes."""
import base64
import io
import json

import numpy as np
import pytest
import torch

from autograder.sandbox.inside import EncodingError, decode, encode


def round_trip(value):
    return decode(json.loads(json.dumps(encode(value))), resolve_handle=lambda ref: ref)


@pytest.mark.parametrize("value", [None, True, 3, -2**70, 2.5, float("nan"), "ACGT",
                                   [1, [2, 3]], (1, "a"), {"w": 1.0, 3: [None]}])
def test_python_values_round_trip(value):
    got = round_trip(value)
    if isinstance(value, float) and value != value:
        assert got != got
    else:
        assert got == value and type(got) is type(value)


def test_tensors_keep_dtype_shape_values_and_requires_grad():
    tensors = [torch.arange(6, dtype=torch.int64).reshape(2, 3), torch.rand(4, 1),
               torch.tensor(1.5, dtype=torch.float64, requires_grad=True),
               torch.ones(3, dtype=torch.bool)]
    for tensor in tensors:
        got = round_trip(tensor)
        assert got.dtype == tensor.dtype and got.shape == tensor.shape
        assert torch.equal(got.detach(), tensor.detach())
        assert got.requires_grad == tensor.requires_grad


def test_numpy_arrays_round_trip():
    array = np.linspace(0, 1, 7).reshape(7, 1)
    assert np.array_equal(round_trip(array), array)


def test_objects_are_refused_on_the_trusted_side():
    with pytest.raises(EncodingError):
        encode(object())
    with pytest.raises(EncodingError):
        encode({(1, 2): 3, "f": lambda: 0})


def test_a_pickled_array_in_a_reply_is_never_loaded():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    forged = {"$ndarray": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(ValueError, match="allow_pickle"):
        decode(forged)


def test_unknown_tags_and_deep_nesting_are_refused():
    with pytest.raises(EncodingError):
        decode({"$pickle": "gASV"})
    deep = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(EncodingError):
        encode(deep)
