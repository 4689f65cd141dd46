"""``pytest --grade SUBMISSION``: one test item per check per device (the ``pytest11`` entry point)."""
