"""The command line lists every command and starts without loading what it does not use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wms_terminal.cli import COMMANDS, main

HEAVY = (
    *("sqlalchemy", "sqlmodel", "alembic", "psycopg", "cv2", "reportlab", "textual", "numpy"),
    *("fastapi", "uvicorn"),
    # The forecast and analytics libraries: loaded only by the commands and tabs that use them.
    *("statsmodels", "pandas", "scipy", "plotext"),
)


def _loaded_after(code: str) -> set[str]:
    """Top-level packages of HEAVY that a fresh interpreter holds after running `code`."""
    probe = (
        f"import sys\n{code}\n"
        "import json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "wms_terminal", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    listed = {ln.split()[0] for ln in lines if ln.startswith("    ") and ln[4] != " "}
    assert listed == set(COMMANDS)
    for name, cmd in COMMANDS.items():
        assert cmd.help.split()[0] in out.stdout, name


def test_importing_the_cli_loads_no_database_camera_or_pdf_library() -> None:
    assert _loaded_after("import wms_terminal.cli") == set()


def test_help_loads_no_database_camera_or_pdf_library() -> None:
    code = (
        "from wms_terminal.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    )
    assert _loaded_after(code) == set()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_loads_its_options(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The table names the module and function that fill in the command: its own --help shows
    # the command's options (or actions), not the bare stub.
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith(f"usage: wms-terminal {name} ")
    first = " ".join(usage.split("\n\n")[0].split())
    assert first != f"usage: wms-terminal {name} [-h] [--database URL]"  # options were added


def test_an_unknown_command_or_option_is_refused_with_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["nothere"])
    assert exited.value.code == 2
    assert "invalid choice: 'nothere'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["--bogus"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["count", "list", "--bogus"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
