"""Device planning (cpu / cuda / auto, skip reasons) and how points are shared between devices."""

from __future__ import annotations

import pytest

from grader import messages
from grader.catalog.model import Check
from grader.checking import devices
from grader.checking.devices import DEVICE_CHOICES, plan_devices
from grader.errors import UsageError
from grader.grading.pipeline import points_policy
from grader.results.model import DeviceInfo


@pytest.fixture
def no_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "cuda_available", lambda: False)


@pytest.fixture
def with_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "cuda_available", lambda: True)


def by_name(plan: tuple[DeviceInfo, ...]) -> dict[str, DeviceInfo]:
    return {d.name: d for d in plan}


# -- plan_devices ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_cuda")
def test_when_auto_without_cuda_then_cuda_is_unavailable_with_the_no_cuda_reason() -> None:
    plan = by_name(plan_devices("auto"))
    assert plan["cuda"] == DeviceInfo("cuda", False, False, messages.SKIPPED_NO_CUDA)
    assert plan["cpu"] == DeviceInfo("cpu", True, True)
    assert plan["meta"] == DeviceInfo("meta", True, True)


@pytest.mark.usefixtures("with_cuda")
def test_when_auto_with_cuda_then_cuda_runs_without_a_reason() -> None:
    assert by_name(plan_devices("auto"))["cuda"] == DeviceInfo("cuda", True, False)


@pytest.mark.parametrize("has_cuda", [True, False])
def test_when_cpu_is_requested_then_cuda_is_skipped_as_not_requested(
    monkeypatch: pytest.MonkeyPatch, has_cuda: bool
) -> None:
    monkeypatch.setattr(devices, "cuda_available", lambda: has_cuda)
    cuda = by_name(plan_devices("cpu"))["cuda"]
    assert not cuda.available
    assert cuda.reason == messages.SKIPPED_NOT_REQUESTED.format(device="cpu")


@pytest.mark.usefixtures("no_cuda")
def test_when_cuda_is_requested_without_cuda_then_usage_error_suggests_auto() -> None:
    with pytest.raises(UsageError) as info:
        plan_devices("cuda")
    assert "--device auto" in info.value.message
    assert "\n" not in info.value.message


@pytest.mark.usefixtures("with_cuda")
def test_when_cuda_is_requested_with_cuda_then_cuda_runs() -> None:
    assert by_name(plan_devices("cuda"))["cuda"].available


@pytest.mark.usefixtures("no_cuda")
@pytest.mark.parametrize("requested", ["gpu", "CUDA", "", "cuda:0"])
def test_when_device_is_unknown_then_usage_error_lists_the_choices(requested: str) -> None:
    with pytest.raises(UsageError) as info:
        plan_devices(requested)
    assert all(choice in info.value.message for choice in DEVICE_CHOICES)


@pytest.mark.parametrize("has_cuda", [True, False])
@pytest.mark.parametrize("requested", ["auto", "cpu"])
@pytest.mark.parametrize("count_cuda", [True, False])
def test_when_count_cuda_is_set_then_only_the_cuda_counts_flag_follows_it(
    monkeypatch: pytest.MonkeyPatch, has_cuda: bool, requested: str, count_cuda: bool
) -> None:
    monkeypatch.setattr(devices, "cuda_available", lambda: has_cuda)
    plan = by_name(plan_devices(requested, count_cuda=count_cuda))
    assert plan["cuda"].counts is count_cuda
    assert plan["cpu"].counts and plan["meta"].counts


# -- points_policy ---------------------------------------------------------------------------------


def make_check(*device_names: str, points: float = 2.0) -> Check:
    return Check("matches", "Matches torch", points, "check_matches", device_names)  # type: ignore[arg-type]


def test_when_cuda_does_not_count_then_cuda_is_worth_nothing_and_cpu_carries_the_points() -> None:
    check = make_check("cpu", "cuda")
    assert points_policy(check, "cpu", count_cuda=False) == (True, 2.0)
    assert points_policy(check, "cuda", count_cuda=False) == (False, 0.0)


def test_when_cpu_and_meta_run_then_they_share_the_full_points() -> None:
    check = make_check("cpu", "meta", "cuda", points=3.0)
    shares = [points_policy(check, d, count_cuda=False) for d in ("cpu", "meta", "cuda")]
    assert shares == [(True, 1.5), (True, 1.5), (False, 0.0)]


def test_when_cuda_counts_then_the_points_are_split_over_every_device() -> None:
    check = make_check("cpu", "cuda")
    assert points_policy(check, "cpu", count_cuda=True) == (True, 1.0)
    assert points_policy(check, "cuda", count_cuda=True) == (True, 1.0)


@pytest.mark.parametrize("count_cuda", [True, False])
@pytest.mark.parametrize("device_names", [("cpu",), ("cpu", "cuda"), ("cpu", "meta", "cuda")])
def test_when_points_are_shared_then_the_counting_shares_add_up_to_the_check(
    count_cuda: bool, device_names: tuple[str, ...]
) -> None:
    check = make_check(*device_names, points=1.0)
    shares = [points_policy(check, d, count_cuda=count_cuda) for d in device_names]
    assert sum(points for counts, points in shares if counts) == pytest.approx(1.0, abs=1e-5)
    assert all(points == 0.0 for counts, points in shares if not counts)


def test_when_check_is_cuda_only_then_it_is_worth_nothing_unless_cuda_counts() -> None:
    check = make_check("cuda")
    assert points_policy(check, "cuda", count_cuda=False) == (False, 0.0)
    assert points_policy(check, "cuda", count_cuda=True) == (True, 2.0)


def test_when_device_is_not_one_of_the_checks_then_it_is_worth_nothing() -> None:
    assert points_policy(make_check("cpu"), "meta", count_cuda=True) == (False, 0.0)
