"""The conv_layer checks, one module per question; the pack names these functions by string.

Each module lists its check functions in ``__all__``; they are gathered here, so adding a check
touches only its own module.
"""

from __future__ import annotations

from exercises.conv_layer.checks.autograd import *  # noqa: F403
from exercises.conv_layer.checks.corr2d import *  # noqa: F403
from exercises.conv_layer.checks.diagonal import *  # noqa: F403
from exercises.conv_layer.checks.edges import *  # noqa: F403
from exercises.conv_layer.checks.kernels import *  # noqa: F403
from exercises.conv_layer.checks.layer import *  # noqa: F403
from exercises.conv_layer.checks.learning import *  # noqa: F403
from exercises.conv_layer.checks.matmul import *  # noqa: F403
