"""A mistyped SQLite path is refused with the path named, not created; `--create` makes it; the
default file is one for `demo`, `run --demo` and every other command; no password on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from wms_terminal.cli import main
from wms_terminal.config import default_database_url


def test_missing_files_and_folders_are_refused_unless_asked_to_create(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "prod-dta" / "wms.sqlite3"
    url = f"sqlite:///{typo}"
    for argv in (["db", "upgrade"], ["db", "current"], ["wave", "list"], ["demo", "-q"]):
        assert main([*argv, "--database", url]) == 2
        err = capsys.readouterr().err
        assert f"no database at {typo} (its folder does not exist either)" in err
        assert "--create" in err and "Traceback" not in err
    assert not typo.parent.exists()
    # Asked to: folder and file made, schema at head; `db current` then answers without creating.
    assert main(["db", "upgrade", "--create", "--database", url]) == 0
    assert "database at schema" in capsys.readouterr().out
    assert main(["db", "current", "--database", url]) == 0
    missing = tmp_path / "other.sqlite3"
    assert main(["db", "current", "--database", f"sqlite:///{missing}"]) == 2
    assert f"no database at {missing} (no such file)" in capsys.readouterr().err
    assert not missing.exists()


def test_one_default_file_made_only_by_the_commands_that_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("WMS_DATABASE_URL", raising=False)
    url = default_database_url()
    assert url.endswith("/wms-terminal/wms.sqlite3") and url.startswith(f"sqlite:///{tmp_path}")
    assert main(["db", "current"]) == 2  # nothing there yet, and `current` does not make it
    assert "no database at" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 0  # the default file needs no --create
    assert main(["db", "current"]) == 0


def test_no_password_on_screen_when_the_server_is_unreachable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://wms:Sup3rS3cret@127.0.0.1:1/wms"
    assert main(["db", "current", "--database", url]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "Sup3rS3cret" not in err and "***" in err


def test_create_where_no_folder_can_be_made_is_explained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["db", "upgrade", "--create", "--database", "sqlite:////proc/nope/x.db"]) == 2
    assert "cannot create the database folder" in capsys.readouterr().err
