"""Heatmaps: reading tensor descriptions as grids, the colour scale centred on zero, outlines,
downsampling."""

from __future__ import annotations

import math

import pytest

from grader.reports import heatmap, tensor_grid
from tests.test_report_cases import tensor


def test_when_a_value_is_zero_then_it_is_white_and_the_signs_go_blue_and_red() -> None:
    assert heatmap.color(0.0, 4.0) == "#f7f7f7"
    red, blue = heatmap.color(4.0, 4.0), heatmap.color(-4.0, 4.0)
    assert red == "#b2182b" and blue == "#2166ac"
    fill = heatmap.color(2.0, 4.0)
    assert int(fill[1:3], 16) > int(fill[5:7], 16)  # half way to the top is reddish, not bluish


def test_when_a_value_is_nan_or_infinite_then_it_is_drawn_apart_from_the_scale() -> None:
    assert heatmap.color(math.nan, 1.0) == heatmap.NAN_FILL
    assert heatmap.color(math.inf, 1.0) == heatmap.color(1.0, 1.0)
    drawn = heatmap.draw(tensor_grid.grid(tensor([[1.0, "nan"], ["inf", 0.0]])), 1.0)  # type: ignore[arg-type]
    assert (drawn.nan, drawn.inf) == (1, 1)
    assert [c.special for c in drawn.cells] == [False, True, True, False]
    assert [c.text for c in drawn.cells] == ["1", "NaN", "\u221e", "0"]


@pytest.mark.parametrize(
    ("values", "shape", "sliced"),
    [(2.5, (1, 1), False), ([1.0, 2.0, 3.0], (1, 3), False), ([[1, 2], [3, 4]], (2, 2), False),
     ([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [0, 1, 2]]], (2, 3), True)],
    ids=["0-D", "1-D", "2-D", "3-D"],
)
def test_when_a_tensor_has_any_rank_then_its_grid_is_2d(values: object, shape: tuple[int, int],
                                                         sliced: bool) -> None:
    read = tensor_grid.grid(tensor(values))
    assert read is not None
    assert (read.rows, read.cols) == shape and read.sliced is sliced


@pytest.mark.parametrize(
    "description",
    [{"kind": "tensor", "dtype": "float32", "shape": [64, 64], "values": None},
     {"kind": "property", "dtype": "float32"},
     {"kind": "tensor", "shape": [2], "values": [[1, 2], [3]]},
     {"kind": "tensor", "shape": [2], "values": ["a", "b"]},
     {"kind": "tensor", "shape": [0], "values": []},
     {"kind": "mapping", "items": {"values": [1.0]}}, {"shape": [2], "values": [1.0, 2.0]},
     "not a tensor", None],
    ids=["large", "property", "ragged", "strings", "empty", "tagged-mapping", "untagged", "string",
         "none"],
)
def test_when_there_are_no_numbers_to_draw_then_there_is_no_grid(description: object) -> None:
    assert tensor_grid.grid(description) is None


def test_when_a_grid_is_larger_than_a_side_then_it_is_downsampled_and_a_lone_outlier_survives() -> None:
    values = [[0.0] * 100 for _ in range(3)]
    values[1][57] = -9.0
    read = tensor_grid.grid(tensor(values))
    assert read is not None
    marks = [[v != 0 for v in row] for row in values]
    drawn = heatmap.draw(read, 9.0, marks)
    assert drawn.cols <= heatmap.MAX_SIDE and drawn.block is not None
    assert sum(c.outlined for c in drawn.cells) == 1
    (outlier,) = [c for c in drawn.cells if c.outlined]
    assert outlier.fill == heatmap.color(-9.0, 9.0)


def test_when_expected_and_actual_differ_then_the_mask_from_the_comparison_marks_the_cells() -> None:
    want = tensor_grid.grid(tensor([[1.0, 2.0], [3.0, 4.0]]))
    got = tensor_grid.grid(tensor([[1.0, 2.5], [3.0, 4.0]]))
    assert want is not None and got is not None
    assert tensor_grid.differing(want, got, [[0, 1], [0, 0]], 0, 0) == ((False, True), (False, False))
    # without a mask, recomputed with the tolerance: 2.5 vs 2 is outside 1e-5
    assert tensor_grid.differing(want, got, None, 1e-5, 1e-5) == ((False, True), (False, False))
    diff = tensor_grid.difference(want, got)
    assert diff is not None and diff.values == ((0.0, 0.5), (0.0, 0.0))


def test_when_cells_are_big_then_values_are_printed_and_hover_titles_give_index_and_value() -> None:
    read = tensor_grid.grid(tensor([[19.0, -0.15643]]))
    assert read is not None
    drawn = heatmap.draw(read, 19.0)
    assert [c.text for c in drawn.cells] == ["19", "\u22120.16"]  # three digits do not fit
    assert drawn.cells[1].title == "[0, 1] = \u22120.15643"
    assert drawn.cells[0].ink == "#fff" and drawn.cells[1].ink == "#111"


def test_when_cells_are_small_then_no_values_are_printed() -> None:
    read = tensor_grid.grid(tensor([[0.123456] * 24 for _ in range(24)]))
    assert read is not None
    assert {c.text for c in heatmap.draw(read, 1.0).cells} == {""}


def test_when_a_value_is_rounding_noise_then_it_prints_as_about_zero_and_keeps_its_title() -> None:
    read = tensor_grid.grid(tensor([[1.0, 4.4e-16], [0.0, -2.0]]))
    assert read is not None
    drawn = heatmap.draw(read, 2.0)
    assert [c.text for c in drawn.cells] == ["1", "\u22480", "0", "\u22122"]
    assert drawn.cells[1].title == "[0, 1] = 4.4e\u221216"
