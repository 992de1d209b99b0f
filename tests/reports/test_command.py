"""`goalkeeper report`, run for real against the demo company."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from tests.demo_copy import demo_into
from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("report") / "data"
    return demo_into(data_dir)


def test_report_writes_the_last_closed_cycle_as_powerpoint(demo_dir: Path, tmp_path: Path):
    output = tmp_path / "review.pptx"
    result = run(
        demo_dir,
        "report",
        "--cycle",
        "last-closed",
        "--format",
        "pptx",
        "--output",
        str(output),
    )
    assert "review (pptx)" in result.stderr
    deck = Presentation(io.BytesIO(output.read_bytes()))
    # Title, summary and one slide per team of the demo with objectives (nine).
    assert len(deck.slides) == 11
    assert [p.name for p in tmp_path.iterdir()] == ["review.pptx"]


def test_report_writes_the_active_cycle_as_excel_with_provisional_scores(
    demo_dir: Path, tmp_path: Path
):
    output = tmp_path / "review.xlsx"
    run(demo_dir, "report", "--cycle", "active", "--format", "xlsx", "--output", str(output))
    book = load_workbook(output, read_only=True)
    assert book["Summary"]["B4"].value == "Provisional (cycle not closed)"


def test_report_writes_a_pdf(demo_dir: Path, tmp_path: Path):
    output = tmp_path / "review.pdf"
    run(demo_dir, "report", "--cycle", "last-closed", "--format", "pdf", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")


def test_an_unknown_cycle_is_refused_with_the_names_of_the_cycles(demo_dir: Path, tmp_path: Path):
    result = run(
        demo_dir,
        "report",
        "--cycle",
        "2019-Q1",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "x.pdf"),
        check=False,
    )
    assert result.returncode != 0
    assert "--cycle: no cycle named '2019-Q1'; the cycles are:" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_format_is_refused(demo_dir: Path, tmp_path: Path):
    result = run(
        demo_dir,
        "report",
        "--cycle",
        "active",
        "--format",
        "docx",
        "--output",
        str(tmp_path / "x"),
        check=False,
    )
    assert result.returncode != 0
    assert "argument --format: invalid choice: 'docx'" in result.stderr


def test_an_unwritable_output_is_refused_before_any_work(demo_dir: Path, tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() == 0:
        # Root writes in any folder whatever its bits; nobody writes files into sysfs.
        locked = Path("/sys/kernel")
    result = run(
        demo_dir,
        "report",
        "--cycle",
        "active",
        "--format",
        "pdf",
        "--output",
        str(locked / "x.pdf"),
        check=False,
    )
    assert result.returncode != 0
    assert "--output: cannot write in" in result.stderr


def test_a_missing_folder_is_refused(demo_dir: Path, tmp_path: Path):
    result = run(
        demo_dir,
        "report",
        "--cycle",
        "active",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "nowhere" / "x.pdf"),
        check=False,
    )
    assert result.returncode != 0
    assert "--output: the folder" in result.stderr
    assert "does not exist" in result.stderr


def test_an_unknown_team_and_workspace_are_refused(demo_dir: Path, tmp_path: Path):
    args = ["report", "--cycle", "active", "--format", "xlsx", "--output", str(tmp_path / "x")]
    team = run(demo_dir, *args, "--team", "no-such-team", check=False)
    assert team.returncode != 0
    assert "--team: no team with the slug 'no-such-team'" in team.stderr
    workspace = run(demo_dir, *args, "--workspace", "nope", check=False)
    assert workspace.returncode != 0
    assert "--workspace: no workspace 'nope'" in workspace.stderr


def test_without_a_workspace_the_command_says_to_make_one(tmp_path: Path):
    result = run(
        tmp_path / "empty",
        "report",
        "--cycle",
        "active",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "x.pdf"),
        check=False,
    )
    assert result.returncode != 0
    assert "--workspace: there is no workspace yet" in result.stderr
