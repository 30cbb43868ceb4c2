"""The command line's own failure paths: a bug ends in one short line and a log entry (traceback
without locals, passwords masked), exit 70; a reader that goes away (`| head`) ends quietly."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from wms_terminal.cli import main


def test_an_unexpected_error_is_one_line_on_screen_and_a_masked_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("cannot reach postgresql://wms:s3cret@db.example/wms")

    monkeypatch.setattr("wms_terminal.cli.check_cmd._check", broken)
    assert main(["check", "--database", f"sqlite:///{tmp_path / 'x.sqlite3'}"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError" in err and "details in the log" in err
    assert "Traceback" not in err and "s3cret" not in err
    log = (tmp_path / "wms-terminal" / "wms-terminal.log").read_text()
    assert "Traceback" in log and "postgresql://wms:***@db.example" in log
    assert "s3cret" not in log


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # `head -c 1` reads one byte and goes: the rest of the output hits a closed pipe.
    script = (
        "import sys\n"
        "from wms_terminal.cli import main\n"
        "import wms_terminal.cli.route_cmd as r\n"
        "def flood(args):\n"
        "    for _ in range(200000):\n"
        "        print('x' * 80)\n"
        "    return 0\n"
        "r.run = flood\n"
        "sys.exit(main(['route', '--layout', 'l', '--picks', 'p', '--method', 's-shape']))\n"
    )
    proc = subprocess.run(
        f'{sys.executable} -c "$SCRIPT" | head -c 1',
        shell=True,
        env={"SCRIPT": script, "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout == "x"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["notices", "retry", "99999999999999999999"],
        ["notices", "list", "--limit", "99999999999999999999"],
        ["count", "show", "99999999999999999999"],
        ["picklist", "show", "-99999999999999999999"],
        ["print", "retry", "99999999999999999999"],
        ["webhooks", "deliveries", "--limit", "99999999999999999999"],
    ],
)
def test_a_number_past_what_the_database_holds_is_refused_before_any_work(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It crashed the driver (OverflowError on SQLite); no command needs such a number.
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--database", url])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "is out of range (-2147483648 to 2147483647)" in err and "Traceback" not in err
    assert not (tmp_path / "none.sqlite3").exists()  # refused before touching the database


def test_a_folder_that_cannot_be_written_is_said_not_a_crash() -> None:
    from wms_terminal.cli.output import write_file
    from wms_terminal.core.errors import ValidationError

    # /proc exists but takes no new files: the temporary file cannot be made (it crashed).
    with pytest.raises(ValidationError, match=r"cannot write /proc/wms-review\.pdf"):
        write_file("/proc/wms-review.pdf", lambda: b"%PDF-1.4", 1, "test")
