"""The exercise pack for "Convolutions for Images" (Dive into Deep Learning, PyTorch edition).

Declarative and cheap to import (no torch): listing exercises and collecting test items read this
module only. The section's own code (exercises.md section 0) is declared here, the book's
exercises (sections 1 to 4) in ``exercises.conv_layer.book_exercises``. The check functions live
in ``exercises.conv_layer.checks``, the messages and hints in ``exercises.conv_layer.hints``
(section 0) and ``hints_<section>`` modules. The checks' truth comes from torch and from
``exercises.conv_layer.truth``; the worked solution, the source the stubs are generated from
(``python -m grader.authoring``) and the proof of the checks, is ``solutions/conv_layer.py`` in the
course's checkout only: the installed package does not contain it.

Points count on the devices that exist everywhere (``cpu``, ``meta``) so a score does not depend on
the grading machine; the ``cuda`` variants are extra evidence unless a course counts them.

A property (dtype kept, inputs unchanged, vectorized, sums to zero, ...) counts only alongside a
correct value (``Check.requires``), so zeros, a constant, the input or NaN score zero in their
exercise. Answers that are constants by nature (the book's image and kernel, a minimum size, a
choice) are judged as they are.
"""

from __future__ import annotations

from pathlib import Path

from exercises.conv_layer.book_exercises import BOOK_EXERCISES
from grader.pack import ANY_DEVICE, TENSOR_DEVICES, Check, Device, Exercise, FreeText, Pack

ROOT = Path(__file__).resolve().parent
SOLUTIONS = ROOT.parents[1] / "solutions"

#: Device-awareness: ``meta`` runs everywhere (inputs without data), ``cuda`` where present.
DEVICE_AWARE: tuple[Device, ...] = ("meta", "cuda")
#: Every other corr2d check counts only alongside correct values on random shapes: a hard-coded
#: copy of the book's example, or a function returning zeros of the right dtype and device, earns
#: nothing (on meta, alongside the CPU's values; on CUDA, alongside CUDA's).
CORRECT_CORR2D = ("matches_conv2d",)

CORR2D = Exercise(
    id="corr2d",
    title="The cross-correlation operation: corr2d(X, K)",
    checks=(
        Check("book_example", "Gives the book's example output", 1, "corr2d_book_example",
              TENSOR_DEVICES, needs=("corr2d",), requires=CORRECT_CORR2D),
        Check("matches_conv2d", "Agrees with torch's conv2d on other shapes", 2,
              "corr2d_matches_conv2d", TENSOR_DEVICES, needs=("corr2d",)),
        Check("keeps_dtype", "Keeps the inputs' dtype", 1, "corr2d_keeps_dtype",
              TENSOR_DEVICES, needs=("corr2d",), requires=CORRECT_CORR2D),
        Check("keeps_device", "Keeps the inputs' device", 1, "corr2d_keeps_device",
              DEVICE_AWARE, needs=("corr2d",), requires=CORRECT_CORR2D),
        Check("gradients_match", "Backpropagates to X and K like conv2d", 1,
              "corr2d_gradients_match", TENSOR_DEVICES, needs=("corr2d",), requires=CORRECT_CORR2D),
        Check("inputs_unchanged", "Leaves X and K unchanged", 1, "corr2d_inputs_unchanged",
              TENSOR_DEVICES, needs=("corr2d",), requires=CORRECT_CORR2D),
    ),
    free_text=(
        FreeText(
            "why_cross_correlation",
            "Why is the operation corr2d computes called a cross-correlation rather than a"
            " convolution, and why does the difference not matter for learned kernels?",
        ),
    ),
)

# The layer is judged on its own: over a corr2d that is wrong, a forward that returns that corr2d's
# output plus the bias (and its gradients) is right, and corr2d loses its own points; over a corr2d
# still raising NotImplementedError, the layer is not answered yet and says it waits for corr2d.
CONV2D_LAYER = Exercise(
    id="conv2d_layer",
    title="A convolutional layer: Conv2D(kernel_size)",
    checks=(
        Check("registers_parameters", "Registers weight and bias as parameters", 1,
              "layer_registers_parameters", ANY_DEVICE, needs=("Conv2D",),
              requires=("forward_matches",)),
        Check("forward_matches", "Forward is corr2d(x, weight) + bias", 1,
              "layer_forward_matches", TENSOR_DEVICES, needs=("Conv2D",)),
        Check("gradients_match", "Backpropagates to weight and bias", 1,
              "layer_gradients_match", TENSOR_DEVICES, needs=("Conv2D",),
              requires=("forward_matches",)),
    ),
)

# CPU only, and no CUDA-only wrong variant: the answers (an image, a kernel) have no device to get wrong.
# The image and the kernel are constants by nature (the book's); a zero kernel ignores horizontal
# edges too, so that counts only alongside a kernel that marks the edges.
EDGE_DETECTION = Exercise(
    id="edge_detection",
    title="Object edge detection in images",
    checks=(
        Check("edge_image_is_books", "Builds the book's 6 x 8 image", 1, "edge_image_is_books",
              ANY_DEVICE, needs=("edge_image",)),
        Check("kernel_marks_edges", "Marks white-to-black with 1 and black-to-white with -1", 1,
              "edge_kernel_marks_edges", ANY_DEVICE, needs=("edge_kernel",)),
        Check("kernel_ignores_horizontal_edges", "Does not respond to horizontal edges", 1,
              "edge_kernel_ignores_horizontal_edges", ANY_DEVICE, needs=("edge_kernel",),
              requires=("kernel_marks_edges",)),
    ),
)

# A kernel that shrinks with ``steps`` whatever the data (ones * 1000 / (steps + 1)) lowers the
# error at every step: the loss counts only alongside a kernel that is actually recovered. Both
# checks call learn_kernel with steps >= 1 (nn.LazyConv2d has no kernel before its first step).
LEARN_KERNEL = Exercise(
    id="learn_kernel",
    title="Learning a kernel: learn_kernel(X, Y, kernel_size, lr, steps)",
    checks=(
        Check("recovers_kernel", "Recovers the kernel from the book's data and from random data", 2,
              "learn_kernel_recovers_kernel", TENSOR_DEVICES, needs=("learn_kernel",)),
        Check("loss_decreases", "The squared error decreases with more steps", 1,
              "learn_kernel_loss_decreases", TENSOR_DEVICES, needs=("learn_kernel",),
              requires=("recovers_kernel",)),
    ),
)

PACK = Pack(
    id="conv_layer",
    title="Convolutions for Images",
    exercises=(CORR2D, CONV2D_LAYER, EDGE_DETECTION, LEARN_KERNEL, *BOOK_EXERCISES),
    checks_module="exercises.conv_layer.checks",
    root=ROOT,
    stub_notebook=ROOT / "stub.ipynb",
    stub_module=ROOT / "stub.py",
    solution_notebook=SOLUTIONS / "conv_layer.ipynb",
    solution_module=SOLUTIONS / "conv_layer.py",
    hint_modules=tuple(f"exercises.conv_layer.{name}" for name in (
        "hints", "hints_autograd", "hints_derivative", "hints_diagonal", "hints_edge", "hints_kernels",
        "hints_matmul", "hints_matmul_ops",
    )),
)
