"""Files shipped with the program: the repository's assets/ folder (stylesheets, e-mail
templates, the demo warehouse definition).

In a checkout `src/wms_terminal/assets` is a link to `assets/` beside src/ and tests/; a built
wheel carries the files themselves as package data (pyproject: `assets/**/*`). Either way they are
found next to this module at run time.
"""

from __future__ import annotations

from pathlib import Path

from wms_terminal.core.errors import ConfigurationError

ASSETS = Path(__file__).resolve().parent / "assets"


def asset(*parts: str) -> Path:
    """The path of a shipped file; ConfigurationError naming it when the install lacks it."""
    path = ASSETS.joinpath(*parts)
    if not path.is_file():
        raise ConfigurationError(f"missing file {path} (the installation is incomplete)")
    return path
