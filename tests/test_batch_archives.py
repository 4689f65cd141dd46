"""Hostile archives: every member validated before extraction, nothing written outside the work folder."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from grader.batch import find_submissions
from grader.batch import messages as m
from grader.batch.archives import MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES, extract_archive

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'


def make_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def snapshot(root: Path, work: Path) -> set[Path]:
    """Every path under ``root`` outside the work folder."""
    return {path for path in root.rglob("*") if work not in path.parents and path != work}


def member(reason: str, name: str, archive: Path) -> str:
    return m.MEMBER_REJECTED.format(archive=archive, member=name, reason=reason)


@pytest.fixture
def class_dir(tmp_path: Path) -> Path:
    """A folder to hold the archive, with a planted target a traversal would overwrite."""
    (tmp_path / "victim.txt").write_text("untouched")
    return tmp_path


@pytest.mark.parametrize("name, reason", [
    ("../victim.txt", m.REASON_PARENT),
    ("submissions/../../victim.txt", m.REASON_PARENT),
    ("/tmp/victim.txt", m.REASON_ABSOLUTE),
    ("..\\victim.txt", m.REASON_BACKSLASH),
    ("C:victim.ipynb", m.REASON_DRIVE),
    ("alice/\x07bell.ipynb", m.REASON_EMPTY_PART),
])
def test_when_a_member_name_leaves_the_folder_then_it_alone_is_rejected(
        class_dir: Path, name: str, reason: str) -> None:
    archive = make_zip(class_dir / "submissions.zip",
                       [("liddellalice_10231_501234_conv.ipynb", NOTEBOOK), (name, b"pwned")])
    work = class_dir / "work"
    before = snapshot(class_dir, work)
    found = find_submissions([archive], work, None)
    assert found.rejected == (member(reason, name, archive),)
    assert [loc.student.id for loc in found.submissions] == ["10231"]
    assert snapshot(class_dir, work) == before
    assert (class_dir / "victim.txt").read_text() == "untouched"
    assert not any("pwned" in p.read_text() for p in work.rglob("*") if p.is_file())


def test_when_names_are_duplicated_then_no_copy_is_extracted(class_dir: Path) -> None:
    archive = class_dir / "dup.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        make_zip(archive, [("alice/conv.ipynb", NOTEBOOK), ("alice/conv.ipynb", b"overwrite"),
                           ("bob/conv.ipynb", NOTEBOOK)])
    found = find_submissions([archive], class_dir / "work", None)
    reason = m.REASON_DUPLICATE.format(count=2)
    assert found.rejected == (member(reason, "alice/conv.ipynb", archive),) * 2
    assert [loc.student.id for loc in found.submissions] == ["bob"]
    assert not list((class_dir / "work").rglob("alice"))


def test_when_a_member_is_a_symlink_then_it_is_rejected_and_no_link_is_made(class_dir: Path) -> None:
    link = zipfile.ZipInfo("alice/conv.ipynb")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(class_dir / "links.zip", [(link, b"/etc/passwd"), ("bob/conv.ipynb", NOTEBOOK)])
    found = find_submissions([archive], class_dir / "work", None)
    assert found.rejected == (member(m.REASON_SYMLINK, "alice/conv.ipynb", archive),)
    assert not any(path.is_symlink() for path in (class_dir / "work").rglob("*"))


def test_when_a_zip_bomb_is_given_then_nothing_is_extracted(class_dir: Path) -> None:
    archive = class_dir / "bomb.zip"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for index in range(3):  # 3 x 100 MB of zeros: about 300 KB on disk
            with zf.open(f"bomb{index}.ipynb", "w", force_zip64=True) as out:
                for _ in range(100):
                    out.write(chunk)
    assert archive.stat().st_size < 1024 * 1024
    work = class_dir / "work"
    found = find_submissions([archive], work, None)
    assert found.rejected == (m.TOO_LARGE.format(archive=archive, size=300 * len(chunk),
                                                 limit=MAX_TOTAL_BYTES),)
    assert found.submissions == ()
    assert sum(p.stat().st_size for p in work.rglob("*") if p.is_file()) == 0


def test_when_one_member_compresses_past_the_ratio_then_it_alone_is_rejected(class_dir: Path) -> None:
    bomb = b"\0" * (8 * 1024 * 1024)
    archive = make_zip(class_dir / "ratio.zip", [("alice/conv.ipynb", bomb), ("bob/conv.ipynb", NOTEBOOK)])
    extracted = extract_archive(archive, class_dir / "work")
    assert len(extracted.rejected) == 1 and "alice/conv.ipynb" in extracted.rejected[0]
    assert f"over the limit of {MAX_RATIO}" in extracted.rejected[0]
    assert extracted.root is not None
    assert sorted(p.relative_to(extracted.root).as_posix() for p in extracted.root.rglob("*.ipynb")) == [
        "bob/conv.ipynb"]


def test_when_an_archive_has_too_many_members_then_it_is_refused_whole(class_dir: Path) -> None:
    archive = make_zip(class_dir / "many.zip", [(f"s{i}/conv.py", b"") for i in range(MAX_MEMBERS + 1)])
    extracted = extract_archive(archive, class_dir / "work")
    assert extracted == type(extracted)(None, (m.TOO_MANY_MEMBERS.format(
        archive=archive, count=MAX_MEMBERS + 1, limit=MAX_MEMBERS),))


def test_when_a_file_is_not_a_zip_then_one_line_says_so(class_dir: Path) -> None:
    archive = class_dir / "submissions.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    found = find_submissions([archive], class_dir / "work", None)
    assert len(found.rejected) == 1 and found.rejected[0].startswith(f"{archive}: not a readable zip")
    assert "\n" not in found.rejected[0]


def test_when_a_member_runs_through_a_file_of_the_archive_then_it_is_rejected(class_dir: Path) -> None:
    archive = make_zip(class_dir / "clash.zip", [("alice", b"a file"), ("alice/conv.ipynb", NOTEBOOK)])
    extracted = extract_archive(archive, class_dir / "work")
    assert extracted.rejected == (member(m.REASON_COLLIDES, "alice/conv.ipynb", archive),)


def test_when_the_same_archive_is_given_twice_then_each_gets_its_own_folder(class_dir: Path) -> None:
    archive = make_zip(class_dir / "a.zip", [("alice/conv.ipynb", NOTEBOOK)])
    first = extract_archive(archive, class_dir / "work")
    second = extract_archive(archive, class_dir / "work")
    assert first.root != second.root and first.root is not None and second.root is not None
    assert (second.root / "alice" / "conv.ipynb").read_text() == NOTEBOOK.decode()
