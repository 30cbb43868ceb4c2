"""docs/headless.md's example session is real: its commands build the demo and release the wave,
and `wms-terminal pick --headless` fed the session's input writes exactly the session's output."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wms_terminal.cli import main

DOC = Path(__file__).parents[2] / "docs" / "headless.md"


def _example() -> tuple[list[str], str]:
    text = DOC.read_text(encoding="utf-8").split("## Example session", 1)[1]
    commands = re.search(r"```sh\n(.*?)```", text, re.S)
    session = re.search(r"```text\n(.*?)```", text, re.S)
    assert commands and session, "docs/headless.md has an example session"
    return commands.group(1).splitlines(), session.group(1)


def test_the_documented_session_is_what_the_driver_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    commands, session = _example()
    monkeypatch.chdir(tmp_path)
    *setup, pick = commands
    for line in setup:
        words = shlex.split(line)
        while "=" in words[0]:
            name, value = words.pop(0).split("=", 1)
            monkeypatch.setenv(name, value)
        assert words[0] == "wms-terminal"
        assert main(words[1:]) == 0, capsys.readouterr().err
    sent = [line[2:] for line in session.splitlines() if line.startswith("> ")]
    expected = [json.loads(line) for line in session.splitlines() if not line.startswith("> ")]
    words = shlex.split(pick)
    assert words[:3] == ["wms-terminal", "pick", "--headless"]
    run = subprocess.run(
        [sys.executable, "-m", "wms_terminal", *words[1:]],
        input="".join(f"{line}\n" for line in sent),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "WMS_PIN"},
        timeout=120,
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert [json.loads(line) for line in run.stdout.splitlines()] == expected
