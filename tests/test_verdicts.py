"""Grades do not drift by accident: every fixture's verdicts match the committed snapshot.

A change meant to change verdicts regenerates the snapshot (``python -m tests.verdicts --update``)
and its diff shows exactly which verdicts moved; any other change must leave it as it is.
"""

from __future__ import annotations

import json

from tests.verdicts import GOLDEN, snapshot


def test_when_every_fixture_is_graded_then_its_verdicts_match_the_snapshot() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    taken = snapshot()
    assert sorted(taken) == sorted(golden), "fixtures added or removed: update the snapshot"
    changed = {
        name: {item: (golden[name].get(item), now) for item, now in taken[name].items()
               if golden[name].get(item) != now}
        for name in taken if taken[name] != golden[name]
    }
    assert changed == {}
