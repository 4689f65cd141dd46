"""Checks of section 4, "Designing kernels": every answer is a kernel, judged by what it does.

Each kernel the student returns is applied here (torch's conv2d in float64) to images the grader
makes, and the properties the questions ask for are checked on the responses: an edge detector
responds to a ramp along v and not across it, a second derivative kills lines and sees x^2, and so
on. Any correct kernel passes, whatever its scale, sign or orientation where the question allows
them; the known mistakes are named from computed properties of the kernel, never from its source.
The answers do not depend on a device, so these checks run on the CPU only. One private module per
question; the images and tolerances they share are in ``kernels_common``.
"""

from __future__ import annotations

from exercises.conv_layer.checks.kernels_blur import (
    blur_matches_gaussian,
    blur_normalized,
    blur_reduces_noise,
    blur_symmetric_peak,
)
from exercises.conv_layer.checks.kernels_derivative import (
    derivative_annihilates_lower_degrees,
    derivative_constant_on_power,
    derivative_fewest_taps,
    derivative_min_size,
)
from exercises.conv_layer.checks.kernels_edge import (
    directional_ignores_perpendicular,
    directional_responds_along_v,
    directional_scales_with_v,
)
from exercises.conv_layer.checks.kernels_integral import integral_matches_cumsum
from exercises.conv_layer.checks.kernels_laplacian import (
    laplacian_annihilates_harmonics,
    laplacian_isotropic,
    laplacian_zero_sum,
)
from exercises.conv_layer.checks.kernels_second import (
    second_derivative_annihilates_lines,
    second_derivative_constant_on_square,
    second_derivative_min_size,
    second_derivative_strongest_structure,
)

__all__ = [
    "blur_matches_gaussian",
    "blur_normalized",
    "blur_reduces_noise",
    "blur_symmetric_peak",
    "derivative_annihilates_lower_degrees",
    "derivative_constant_on_power",
    "derivative_fewest_taps",
    "derivative_min_size",
    "directional_ignores_perpendicular",
    "directional_responds_along_v",
    "directional_scales_with_v",
    "integral_matches_cumsum",
    "laplacian_annihilates_harmonics",
    "laplacian_isotropic",
    "laplacian_zero_sum",
    "second_derivative_annihilates_lines",
    "second_derivative_constant_on_square",
    "second_derivative_min_size",
    "second_derivative_strongest_structure",
]
