"""The conv_layer checks, one module per exercise; the pack names these functions by string."""

from __future__ import annotations

from exercises.conv_layer.checks.corr2d import (
    corr2d_book_example,
    corr2d_gradients_match,
    corr2d_inputs_unchanged,
    corr2d_keeps_device,
    corr2d_keeps_dtype,
    corr2d_matches_conv2d,
)
from exercises.conv_layer.checks.edges import (
    edge_image_is_books,
    edge_kernel_ignores_horizontal_edges,
    edge_kernel_marks_edges,
)
from exercises.conv_layer.checks.layer import (
    layer_forward_matches,
    layer_gradients_match,
    layer_registers_parameters,
)
from exercises.conv_layer.checks.learning import (
    learn_kernel_loss_decreases,
    learn_kernel_recovers_kernel,
)

__all__ = [
    "corr2d_book_example",
    "corr2d_gradients_match",
    "corr2d_inputs_unchanged",
    "corr2d_keeps_device",
    "corr2d_keeps_dtype",
    "corr2d_matches_conv2d",
    "edge_image_is_books",
    "edge_kernel_ignores_horizontal_edges",
    "edge_kernel_marks_edges",
    "layer_forward_matches",
    "layer_gradients_match",
    "layer_registers_parameters",
    "learn_kernel_loss_decreases",
    "learn_kernel_recovers_kernel",
]
