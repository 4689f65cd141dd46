"""Every sentence the diagonal-edge checks (exercises.md section 1) say to a student."""

from __future__ import annotations

NOT_SQUARE_IMAGE = "diagonal_image({n}) has shape {shape}; expected ({n}, {n})"
HINT_SQUARE_IMAGE = (
    "your image has {rows} rows and {columns} columns: diagonal_image(n) must return an n x n image,"
    " whose diagonal runs from corner to corner, e.g. torch.eye(n) or torch.tril(torch.ones(n, n))"
)
HINT_IMAGE_NOT_2D = (
    "your image is {dims}-D: corr2d takes a 2-D image, so diagonal_image(n) must return an n x n"
    " tensor, without batch or channel axes (X.reshape(n, n) for a (1, 1, n, n) one)"
)
NOT_REAL = "diagonal_image({n}) has dtype {dtype}; expected real numbers (float or int)"
NO_RESPONSE = "corr2d(diagonal_image({n}), [[1, -1]]) is zero everywhere: your image has no edge K sees"
HINT_NO_RESPONSE = (
    "K = [[1, -1]] differences horizontally neighbouring pixels, so a constant image or one whose"
    " rows are constant gives nothing; put ones on one side of the diagonal, e.g. torch.tril"
)
NOT_DIAGONAL = (
    "corr2d(diagonal_image({n}), [[1, -1]]) is non-zero at {count} positions that do not lie along"
    " one line of slope +1 or -1 (first at {index})"
)
HINT_VERTICAL_EDGE = (
    "your image's response lies along a column: its edge is vertical, like the book's example;"
    " a diagonal edge changes column by one with every row, e.g. torch.eye(n)"
)
HINT_NOT_DIAGONAL = (
    "a diagonal edge is where the image changes along the line i = j (or i + j = n - 1):"
    " torch.eye(n), 1 - torch.eye(n), torch.tril(torch.ones(n, n)) or torch.eye(n).flip(1)"
)
TOO_SHORT = (
    "corr2d(diagonal_image({n}), [[1, -1]]) is non-zero at only {count} positions along the diagonal;"
    " an edge across the image has at least {least}"
)

#: A question about the student's image when there is no image to judge it on: why, in their words.
CANNOT_JUDGE_SHAPE = (
    "{name} cannot be judged: it is about an n x n image, and diagonal_image({n}) has shape {shape}"
    " (see the check has_diagonal_edge)"
)
CANNOT_JUDGE_NOT_REAL = (
    "{name} cannot be judged: it is about an image of real numbers, and diagonal_image({n}) has"
    " dtype {dtype} (see the check has_diagonal_edge)"
)
CANNOT_JUDGE_EDGE = (
    "{name} cannot be judged: it is about an image with a diagonal edge, and {problem} (see the"
    " check has_diagonal_edge)"
)
CANNOT_JUDGE_CALL = (
    "{name} cannot be judged: it is about the image diagonal_image({n}) returns, and {problem}"
)
HINT_CANNOT_JUDGE_CALL = (
    "fix diagonal_image first (see the check has_diagonal_edge): the answers are judged on the image"
    " it returns for n = {n}"
)
WRONG_CHOICE = "{name} is {given!r}, which is not what happens on your image"
#: The right choice and why, for full feedback only.
SOLUTION_CHOICE = "on your image the answer is {truth!r}: {why}. {explanation}"
WHY_APPLY_K = {
    "zeros": "corr2d(X, K) is zero everywhere",
    "one_line": "corr2d(X, K) is non-zero only along one diagonal line (one diagonal, or two"
                " neighbouring ones all of one sign)",
    "two_lines": "corr2d(X, K) is non-zero along two neighbouring diagonals, with both signs",
    "everywhere": "corr2d(X, K) is non-zero at most positions",
}
WHY_TRANSPOSE_X = {
    "unchanged": "your X is symmetric (X.T equals X), so corr2d(X.T, K) equals corr2d(X, K)",
    "changes": "your X is not symmetric, so corr2d(X.T, K) differs from corr2d(X, K)",
}
WHY_TRANSPOSE_K = {
    "zeros": "corr2d(X, K.T) is zero everywhere",
    "transposed": "corr2d(X, K.T) equals corr2d(X, K).T",
    "different": "corr2d(X, K.T) is non-zero but differs from corr2d(X, K).T",
}
OPEN_APPLY_K = (
    "compute corr2d(X, K) for your own X and look at where it is non-zero and with which signs:"
    " K = [[1, -1]] responds where a pixel differs from its right neighbour"
)
OPEN_TRANSPOSE_X = (
    "compare your X with X.T, then corr2d(X, K) with corr2d(X.T, K), computed on your own image"
)
OPEN_TRANSPOSE_K = (
    "compute corr2d(X, K.T) for your image and compare it with corr2d(X, K).T: K.T = [[1], [-1]]"
    " differences vertically neighbouring pixels"
)
HINT_APPLY_K = (
    "look at corr2d(X, K) for your image (shown): K = [[1, -1]] is non-zero where a pixel differs"
    " from its right neighbour; a one-pixel line gives two lines of opposite sign, a filled"
    " triangle one"
)
HINT_TRANSPOSED_NOT_SYMMETRIC = (
    "transposing changes nothing only for a symmetric image; yours is not: compare your X and X.T"
    " (shown side by side) and their responses"
)
HINT_TRANSPOSED_SYMMETRIC = (
    "your image is symmetric (X.T equals X, shown side by side), so transposing it cannot change"
    " the response"
)
HINT_TRANSPOSE_K = (
    "K.T = [[1], [-1]] differences vertically, so it finds horizontal edges; in general"
    " corr2d(X, K.T) equals corr2d(X.T, K).T, which is corr2d(X, K).T only when X is symmetric"
)
