"""The in-kernel probe, driven in-process through its pure ``handle`` function (no kernel)."""

from __future__ import annotations

import json
from typing import Any

import torch

from grader.probe import operations as probe_calls
from grader.probe import service as probe
from grader.probe import wire


def namespace(*cells: str) -> dict[str, Any]:
    """Run cells of 'student code' into a fresh namespace, each under its own cell file name."""
    ns: dict[str, Any] = {}
    for number, source in enumerate(cells, start=1):
        exec(compile(source, f"<cell-{number}>", "exec"), ns)
    return ns


def send(ns: dict[str, Any], op: str, *, max_bytes: int = 2**24, **fields: Any) -> dict[str, Any]:
    """Encode the data fields as the grader would, call ``handle`` and decode an ok reply."""
    buffers: list[bytes] = []
    request: dict[str, Any] = {"op": op, "max_bytes": max_bytes}
    for key, value in fields.items():
        data_field = key in ("args", "kwargs", "params", "forward")
        request[key] = wire.encode(value, buffers, max_bytes=2**30) if data_field else value
    reply, out = probe.handle(ns, request, buffers)
    json.dumps(reply, allow_nan=False)  # a reply must be able to travel as a comm message
    if reply.get("status") != "ok":
        assert out == []
        return reply
    return {key: wire.decode(value, out) for key, value in reply.items()}


def call(ns: dict[str, Any], name: str, *args: Any, **fields: Any) -> dict[str, Any]:
    return send(ns, "call", name=name, args=list(args), **fields)


SQUARE = "import torch\ndef square(x):\n    return x * x\n"


# -- calling a function ----------------------------------------------------------------------------


def test_when_function_is_called_then_its_value_comes_back() -> None:
    reply = call(namespace(SQUARE), "square", torch.tensor([1.0, 2.0, 3.0]))
    assert reply["status"] == "ok"
    assert torch.equal(reply["value"].data, torch.tensor([1.0, 4.0, 9.0]))
    assert reply["value"].device == "cpu"


def test_when_kwargs_are_sent_then_the_function_gets_them_as_tensors() -> None:
    ns = namespace("def scale(x, *, by):\n    return x * by, type(by).__name__\n")
    reply = send(ns, "call", name="scale", args=[torch.ones(2)], kwargs={"by": torch.tensor(3.0)})
    tensor, kind = reply["value"]
    assert kind == "Tensor"
    assert torch.equal(tensor.data, torch.full((2,), 3.0))


def test_when_arguments_are_plain_data_then_they_arrive_unchanged() -> None:
    ns = namespace("def echo(*args):\n    return [repr(a) for a in args]\n")
    reply = call(ns, "echo", 3, 2.5, "s", None, (1, 2), [True])
    assert reply["value"] == ["3", "2.5", "'s'", "None", "(1, 2)", "[True]"]


def test_when_tensors_are_nested_in_a_tuple_then_they_arrive_as_tensors() -> None:
    ns = namespace("def kinds(pair):\n    return [type(t).__name__ for t in pair]\n")
    assert call(ns, "kinds", (torch.ones(1), torch.zeros(1)))["value"] == ["Tensor", "Tensor"]


def test_when_tensors_are_nested_in_a_dict_then_they_arrive_as_tensors() -> None:
    ns = namespace("def kinds(d):\n    return type(d['x']).__name__\n")
    assert call(ns, "kinds", {"x": torch.ones(1)})["value"] == "Tensor"


def test_when_device_is_meta_then_the_function_runs_on_meta_tensors() -> None:
    reply = call(namespace(SQUARE), "square", torch.ones(2, 3), device="meta")
    assert reply["value"].device == "meta"
    assert reply["value"].data is None
    assert reply["value"].shape == (2, 3)


def test_when_grads_are_requested_then_gradients_of_the_sum_come_back() -> None:
    ns = namespace("def mul(x, k):\n    return x * k * k\n")
    x, k = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    reply = call(ns, "mul", x, k, grad=[0, 1])
    assert "grad_error" not in reply
    grad_x, grad_k = reply["grads"]
    assert torch.equal(grad_x.data, k * k)
    assert torch.equal(grad_k.data, 2 * x * k)


def test_when_result_is_detached_then_grad_error_says_not_differentiable() -> None:
    ns = namespace("def f(x):\n    return x.detach() * 2\n")
    reply = call(ns, "f", torch.ones(2), grad=[0])
    assert reply["status"] == "ok"
    assert reply["grads"] == [None]
    assert reply["grad_error"]["type"] == "NotDifferentiable"


def test_when_result_is_built_through_numpy_then_grad_error_is_reported() -> None:
    ns = namespace("import torch\ndef f(x):\n    return torch.from_numpy(x.detach().numpy() * 2)\n")
    reply = call(ns, "f", torch.ones(2), grad=[0])
    assert torch.equal(reply["value"].data, torch.full((2,), 2.0))
    assert reply["grad_error"]["type"] == "NotDifferentiable"


def test_when_result_is_not_a_tensor_then_grad_error_is_reported() -> None:
    reply = call(namespace("def f(x):\n    return 1.0\n"), "f", torch.ones(2), grad=[0])
    assert reply["value"] == 1.0
    assert reply["grad_error"]["type"] == "NotDifferentiable"


def test_when_function_modifies_its_input_in_place_then_inputs_after_shows_it() -> None:
    ns = namespace("def bump(x, y):\n    x.add_(1)\n")
    reply = call(ns, "bump", torch.zeros(3), torch.zeros(2), return_inputs=True)
    assert reply["value"] is None
    after_x, after_y = reply["inputs_after"]
    assert torch.equal(after_x.data, torch.ones(3))
    assert torch.equal(after_y.data, torch.zeros(2))


def test_when_inputs_are_not_asked_for_then_the_reply_has_none() -> None:
    assert "inputs_after" not in call(namespace(SQUARE), "square", torch.ones(1))


# -- counting torch operations ---------------------------------------------------------------------


CORR2D = """\
import torch
import torch.nn.functional as F

def corr2d_loop(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y

def corr2d_unfold(X, K):
    h, w = K.shape
    cols = F.unfold(X[None, None], (h, w))
    return (K.reshape(1, -1) @ cols).reshape(X.shape[0] - h + 1, X.shape[1] - w + 1)
"""


def op_count(name: str, size: int) -> int:
    reply = call(namespace(CORR2D), name, torch.rand(size, size), torch.rand(2, 2), count_ops=True)
    assert reply["status"] == "ok"
    assert all(isinstance(k, str) and v > 0 for k, v in reply["ops"].items())
    return sum(v for k, v in reply["ops"].items() if not k.startswith("!"))


DENSE = """import torch

def corr2d_dense(X, K):
    h, w = K.shape
    H, W = X.shape
    rows = []
    for i in range(H - h + 1):
        for j in range(W - w + 1):
            row = torch.zeros(H, W)
            row[i:i + h, j:j + w] = K
            rows.append(row.reshape(-1))
    return (torch.stack(rows) @ X.reshape(-1)).reshape(H - h + 1, W - w + 1)
"""


def test_when_ops_are_counted_then_the_largest_tensor_an_operation_touched_is_reported() -> None:
    """A size the grader can judge without timing: the unfold lowering's largest tensor is its
    patch matrix, a dense kernel matrix is out_h * out_w * H * W."""
    X, K = torch.rand(8, 8), torch.rand(2, 2)
    unfold = call(namespace(CORR2D), "corr2d_unfold", X, K, count_ops=True)["ops"]["!largest"]
    dense = call(namespace(DENSE), "corr2d_dense", X, K, count_ops=True)["ops"]["!largest"]
    assert unfold == 4 * 7 * 7
    assert dense == 7 * 7 * 8 * 8


def test_when_function_loops_over_elements_then_its_op_count_grows_with_the_input() -> None:
    assert op_count("corr2d_loop", 8) > 3 * op_count("corr2d_loop", 4)


def test_when_function_is_vectorized_then_its_op_count_does_not_depend_on_size() -> None:
    assert op_count("corr2d_unfold", 16) == op_count("corr2d_unfold", 4)


def test_when_both_variants_agree_then_the_counter_did_not_change_results() -> None:
    X, K = torch.rand(5, 5), torch.rand(2, 2)
    loop = call(namespace(CORR2D), "corr2d_loop", X, K, count_ops=True)["value"].data
    unfold = call(namespace(CORR2D), "corr2d_unfold", X, K)["value"].data
    torch.testing.assert_close(loop, unfold)


def test_when_ops_are_not_asked_for_then_the_reply_has_none() -> None:
    assert "ops" not in call(namespace(SQUARE), "square", torch.ones(1))


# -- what goes wrong in the student's code ---------------------------------------------------------


def test_when_name_is_missing_then_status_is_missing() -> None:
    assert call(namespace(SQUARE), "corr2d", torch.ones(1)) == {"status": "missing", "name": "corr2d"}


def test_when_name_is_not_callable_then_status_is_not_callable_with_its_type() -> None:
    assert call({"corr2d": 3}, "corr2d") == {"status": "not_callable", "type": "int"}


def test_when_function_raises_then_type_message_and_student_frames_come_back() -> None:
    ns = namespace(
        "def check(x):\n    raise ValueError('kernel must be 2-d')\n",
        "def corr2d(X, K):\n    check(K)\n    return X\n",
    )
    reply = call(ns, "corr2d", torch.ones(2), torch.ones(2))
    assert reply["status"] == "raised"
    exception = reply["exception"]
    assert (exception["type"], exception["message"]) == ("ValueError", "kernel must be 2-d")
    frames = [(f["filename"], f["lineno"], f["name"]) for f in exception["frames"]]
    assert frames == [("<cell-2>", 2, "corr2d"), ("<cell-1>", 2, "check")]


def test_when_function_raises_then_no_frame_of_the_probe_is_kept() -> None:
    reply = call(namespace("def f():\n    return 1 / 0\n"), "f")
    assert reply["exception"]["type"] == "ZeroDivisionError"
    assert reply["exception"]["frames"]
    assert all(f["filename"] not in probe_calls.PROBE_FILES for f in reply["exception"]["frames"])


def test_when_function_is_not_implemented_then_type_is_not_implemented_error() -> None:
    ns = namespace("def corr2d(X, K):\n    raise NotImplementedError\n")
    reply = call(ns, "corr2d", torch.ones(1), torch.ones(1))
    assert reply["status"] == "raised"
    assert reply["exception"]["type"] == "NotImplementedError"


def test_when_function_raises_a_custom_exception_then_type_names_its_module() -> None:
    ns = namespace("class Oops(Exception):\n    pass\ndef f():\n    raise Oops('no')\n")
    ns["Oops"].__module__ = "__main__"
    assert call(ns, "f")["exception"]["type"] == "__main__.Oops"


def test_when_function_calls_sys_exit_then_it_is_caught_as_raised() -> None:
    ns = namespace("import sys\ndef f():\n    sys.exit(3)\n")
    reply = call(ns, "f")
    assert reply["status"] == "raised"
    assert reply["exception"]["type"] == "SystemExit"


def test_when_function_is_interrupted_then_status_is_interrupted() -> None:
    ns = namespace("def f():\n    raise KeyboardInterrupt\n")
    assert call(ns, "f") == {"status": "interrupted"}


def test_when_result_is_over_max_bytes_then_status_is_too_large_naming_the_size() -> None:
    ns = namespace("import torch\ndef big():\n    return torch.zeros(1000)\n")
    reply = call(ns, "big", max_bytes=100)
    assert reply["status"] == "too_large"
    assert "3.9 KiB" in reply["message"]
    assert "100 B" in reply["message"]


def test_when_op_is_unknown_then_status_is_bad_request() -> None:
    reply, out = probe.handle({}, {"op": "exec", "code": "print(1)"}, [])
    assert reply["status"] == "bad_request"
    assert "'exec'" in reply["message"]
    assert out == []


# -- describe, get and seeding ---------------------------------------------------------------------


def test_when_names_are_described_then_each_gets_its_kind() -> None:
    ns = namespace("import torch\ndef f():\n    pass\nclass C:\n    pass\nanswer = 'because'\n")
    reply = send(ns, "describe", names=["f", "C", "answer", "torch", "nope"])
    assert reply["kinds"] == {
        "f": "function", "C": "class", "answer": "value:str", "torch": "value:module", "nope": "missing",
    }


def test_when_a_variable_is_read_then_its_value_comes_back() -> None:
    ns = namespace("import torch\nwhy = 'the kernel is not flipped'\nK = torch.eye(2)\n")
    assert send(ns, "get", name="why")["value"] == "the kernel is not flipped"
    assert torch.equal(send(ns, "get", name="K")["value"].data, torch.eye(2))
    assert send(ns, "get", name="nope") == {"status": "missing", "name": "nope"}


def test_when_two_calls_use_the_same_seed_then_random_values_repeat() -> None:
    ns = namespace("import torch\ndef noise():\n    return torch.rand(4)\n")
    first = call(ns, "noise", seed=7)["value"].data
    again = call(ns, "noise", seed=7)["value"].data
    other = call(ns, "noise", seed=8)["value"].data
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


# -- modules ---------------------------------------------------------------------------------------


SCALE = """\
import torch
from torch import nn

class Scale(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n))

    def forward(self, x):
        return x * self.weight

class Affine(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x * self.weight + self.bias

class NotAModule:
    def __init__(self, n):
        self.n = n
"""


def test_when_module_is_built_then_params_are_set_and_forward_runs() -> None:
    w, x = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 2.0, 2.0])
    reply = send(namespace(SCALE), "module", name="Scale", args=[3], params={"weight": w}, forward=[x])
    assert reply["is_module"] is True
    assert torch.equal(reply["parameters"]["weight"].data, w)
    assert torch.equal(reply["output"].data, x * w)
    assert reply["attributes"] == {"weight": "torch.nn.parameter.Parameter", "bias": "NoneType"}
    assert "grads" not in reply


def test_when_module_backward_is_asked_then_grads_come_back_per_parameter_name() -> None:
    w, x = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])
    reply = send(namespace(SCALE), "module", name="Scale", args=[3], params={"weight": w}, forward=[x],
                 backward=True)
    assert set(reply["grads"]) == {"weight"}
    assert torch.equal(reply["grads"]["weight"].data, x)


def test_when_module_has_weight_and_bias_then_forward_uses_both() -> None:
    params = {"weight": torch.tensor([1.0, 2.0]), "bias": torch.tensor([0.5])}
    reply = send(namespace(SCALE), "module", name="Affine", args=[2], params=params,
                 forward=[torch.ones(2)])
    assert torch.equal(reply["output"].data, torch.tensor([1.5, 2.5]))
    assert set(reply["parameters"]) == {"weight", "bias"}


def test_when_module_with_two_parameters_runs_backward_then_each_has_its_grad() -> None:
    params = {"weight": torch.tensor([1.0, 2.0]), "bias": torch.tensor([0.5])}
    reply = send(namespace(SCALE), "module", name="Affine", args=[2], params=params,
                 forward=[torch.tensor([3.0, 4.0])], backward=True)
    assert reply["status"] == "ok"
    assert torch.equal(reply["grads"]["weight"].data, torch.tensor([3.0, 4.0]))
    assert torch.equal(reply["grads"]["bias"].data, torch.tensor([2.0]))


def test_when_class_is_not_an_nn_module_then_is_module_is_false() -> None:
    reply = send(namespace(SCALE), "module", name="NotAModule", args=[3])
    assert reply["is_module"] is False
    assert reply["type"] == "NotAModule"
    assert "output" not in reply


def test_when_module_class_is_missing_then_status_is_missing() -> None:
    assert send(namespace(SCALE), "module", name="Conv2D") == {"status": "missing", "name": "Conv2D"}


def test_when_module_constructor_raises_then_status_is_raised() -> None:
    ns = namespace("class Conv2D:\n    def __init__(self, k):\n        raise NotImplementedError\n")
    reply = send(ns, "module", name="Conv2D", args=[(2, 2)])
    assert reply["status"] == "raised"
    assert reply["exception"]["type"] == "NotImplementedError"


def test_when_a_module_keeps_its_bias_as_a_scalar_then_a_one_element_bias_is_accepted() -> None:
    namespace: dict[str, object] = {}
    exec(
        "import torch\n"
        "class Layer(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.bias = torch.nn.Parameter(torch.tensor(0.0))\n"
        "    def forward(self, x):\n"
        "        return x + self.bias\n",
        namespace,
    )
    buffers: list[bytes] = []
    request = {
        "op": "module", "name": "Layer", "device": "cpu",
        "params": wire.encode({"bias": torch.tensor([2.0])}, buffers, max_bytes=2**20),
        "forward": wire.encode([torch.zeros(2)], buffers, max_bytes=2**20),
    }
    reply, out = probe.handle(namespace, request, buffers)
    assert reply["status"] == "ok"
    assert torch.equal(wire.decode(reply["output"], out).data, torch.full((2,), 2.0))


WARM_META = """
import sys, torch
from grader.probe import operations as probe_calls
probe_calls.op_warm_up({}, {"devices": ["meta"]}, [])
X, K = torch.zeros(4, 5, device="meta"), torch.zeros(2, 2, device="meta")
Y = torch.zeros((3, 4), dtype=X.dtype, device=X.device)
Y[0, 0] = (X[0:2, 0:2] * K).sum()
try:
    torch.zeros((3, 4))[0, 0] = (X[0:2, 0:2] * K).sum()
except NotImplementedError as exc:
    print(exc)
print(tuple(Y.shape), (X / 2 + 1).exp().sum(0).shape, "torch._dynamo" in sys.modules)
"""


def test_when_meta_is_warmed_up_then_torch_dynamo_is_not_imported_and_meta_still_behaves() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WARM_META], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.splitlines() == ["Cannot copy out of meta tensor; no data!",
                                        "(3, 4) torch.Size([5]) False"]
