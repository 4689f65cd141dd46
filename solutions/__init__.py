"""Reference solutions, imported only in the grader process (never sent to a student kernel)."""
