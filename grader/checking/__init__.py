"""Grader-side checking: the context a check gets, comparisons, devices, loading a pack's checks.

Everything here runs in the grader's process and judges data that came back from the kernel;
nothing here runs student code. Pack authors reach it through ``grader.pack`` only.
"""
