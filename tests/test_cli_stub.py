"""`grader stub`: the installed pack's stub, written where the student is, never over their work."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exercises.conv_layer import PACK
from grader.catalog.model import Pack
from grader.frontends import messages as say
from grader.frontends.cli import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main
from grader.frontends.messages import STUB_EXISTS, STUB_WRITTEN


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder, as a student's after `pip install`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_when_stub_is_run_then_the_packs_notebook_is_written_here_under_the_packs_name(
    here: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["stub"]) == EXIT_OK
    assert (here / "conv_layer.ipynb").read_bytes() == PACK.stub_notebook.read_bytes()
    assert [p.name for p in here.iterdir()] == ["conv_layer.ipynb"]
    out = capsys.readouterr().out
    assert out == STUB_WRITTEN.format(path="conv_layer.ipynb", quoted="conv_layer.ipynb") + "\n"


def test_when_a_module_is_asked_for_then_the_packs_stub_module_is_written(here: Path) -> None:
    assert main(["stub", "--module", "--pack", "conv_layer"]) == EXIT_OK
    assert (here / "conv_layer.py").read_bytes() == PACK.stub_module.read_bytes()


def test_when_an_output_is_named_then_the_stub_is_written_there_and_the_message_quotes_it(
    here: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (here / "my work").mkdir()
    assert main(["stub", "-o", "my work/attempt.ipynb"]) == EXIT_OK
    assert (here / "my work" / "attempt.ipynb").read_bytes() == PACK.stub_notebook.read_bytes()
    assert capsys.readouterr().out.endswith("grader check 'my work/attempt.ipynb'\n")


def test_when_a_file_is_already_there_then_one_error_line_exit_2_and_the_file_is_kept(
    here: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (here / "conv_layer.ipynb").write_text("my answers", encoding="utf-8")
    assert main(["stub"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.err == say.ERROR_LINE.format(message=STUB_EXISTS.format(path="conv_layer.ipynb")) + "\n"
    assert captured.out == ""
    assert (here / "conv_layer.ipynb").read_text(encoding="utf-8") == "my answers"


def test_when_force_is_given_then_the_file_already_there_is_replaced(here: Path) -> None:
    (here / "conv_layer.py").write_text("my answers", encoding="utf-8")
    assert main(["stub", "--module", "--force"]) == EXIT_OK
    assert (here / "conv_layer.py").read_bytes() == PACK.stub_module.read_bytes()


def test_when_a_link_is_planted_at_the_path_then_it_is_refused_and_with_force_replaced_not_followed(
    here: Path,
) -> None:
    victim = here / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (here / "conv_layer.ipynb").symlink_to(victim)
    assert main(["stub"]) == EXIT_USAGE
    assert main(["stub", "--force"]) == EXIT_OK
    assert not (here / "conv_layer.ipynb").is_symlink()
    assert (here / "conv_layer.ipynb").read_bytes() == PACK.stub_notebook.read_bytes()
    assert victim.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("output", "reason"),
    [("missing/conv_layer.ipynb", os.strerror(errno.ENOENT)), ("folder", os.strerror(errno.EISDIR))],
    ids=["missing_folder", "a_folder"],
)
def test_when_the_path_cannot_be_written_then_one_error_line_and_exit_2(
    here: Path, capsys: pytest.CaptureFixture[str], output: str, reason: str,
) -> None:
    (here / "folder").mkdir()
    for force in ([], ["--force"]):
        assert main(["stub", "-o", output, *force]) == EXIT_USAGE
        message = say.CANNOT_WRITE.format(path=output, reason=reason)
        assert capsys.readouterr().err == say.ERROR_LINE.format(message=message) + "\n"
    assert sorted(p.name for p in here.iterdir()) == ["folder"]
    assert list((here / "folder").iterdir()) == []


def test_when_the_pack_is_unknown_then_one_error_line_exit_2_and_nothing_written(
    here: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["stub", "--pack", "nope"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: unknown exercise pack 'nope'") and err.count("\n") == 1
    assert list(here.iterdir()) == []


def test_when_the_installed_pack_has_lost_its_stub_then_exit_3_and_blame_the_pack(
    here: Path, frontend_pack_installed: Pack, capsys: pytest.CaptureFixture[str],
) -> None:
    assert not frontend_pack_installed.stub_notebook.exists()
    assert main(["stub"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("error: the exercise pack is broken: its stub ") and err.count("\n") == 1
    assert list(here.iterdir()) == []


def test_when_writing_the_stub_then_neither_torch_nor_nbclient_is_imported(here: Path) -> None:
    code = (
        "import sys\nfrom grader.frontends.cli import main\ncode = main(['stub'])\n"
        "print(sorted(m for m in ('torch', 'nbclient') if m in sys.modules), code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[] 0"
    assert (here / "conv_layer.ipynb").exists()
