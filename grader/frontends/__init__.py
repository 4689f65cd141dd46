"""The front ends: the ``grader`` command and the pytest plugin. Thin: they parse options from the
one option table (``grader.options``), call grading, and render with ``grader.reports``."""
