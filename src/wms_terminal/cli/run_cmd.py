"""`wms-terminal run [--demo]`: open the terminal app."""

from __future__ import annotations

import argparse
import logging
import sys

from sqlmodel import select

from wms_terminal import bootstrap
from wms_terminal.config import default_data_dir, idle_logout_seconds
from wms_terminal.core import migrate
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.core.models import User, Warehouse


def register(run: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--demo",
        action="store_true",
        help="build the demo warehouse on first use when the database is empty (the default "
        "SQLite file in the data directory is made if missing)",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    _check_scanner_settings()
    idle_logout_s = idle_logout_seconds()
    app = bootstrap.connect(args.database, require_schema=not args.demo, create_default=args.demo)
    demo_users: list[tuple[str, str, str, str, str]] = []
    try:
        if args.demo:
            migrate.upgrade(app.db.engine)  # create, or upgrade an older demo file
            demo_users = _ensure_demo(app)
        _log_to_file()
        from wms_terminal.tui.app import WmsApp  # Textual only when a screen is wanted

        tui = WmsApp(
            app.db,
            terminal=app.settings.terminal_id,
            demo_users=demo_users,
            idle_logout_s=idle_logout_s,
        )
        tui.run()
    finally:
        app.close()
    return tui.return_code or 0  # non-zero after an unexpected error (logged, told in one line)


def _check_scanner_settings() -> None:
    """A mistyped WMS_SCANNER_* setting stops here with its reason, not inside the screen."""
    from wms_terminal.scanning.wedge import WedgeConfig

    try:
        WedgeConfig.from_env()
    except ValueError as exc:
        raise ConfigurationError(f"scanner settings: {exc}") from exc


def _ensure_demo(app: bootstrap.App) -> list[tuple[str, str, str, str, str]]:
    """Build the demo warehouse when the database is empty; return its users' badges and PINs."""
    from wms_terminal.demo import DEFAULT_ORDERS, DEFAULT_SEED, build_demo, demo_users

    with app.db.reading() as session:
        empty = session.exec(select(Warehouse.id)).first() is None
    if empty:
        print(f"building the demo warehouse ({DEFAULT_ORDERS} orders), once ...", file=sys.stderr)
        build_demo(app.db, orders=DEFAULT_ORDERS, seed=DEFAULT_SEED)
    users = demo_users(DEFAULT_SEED)
    with app.db.reading() as session:
        known = set(session.exec(select(User.badge_code)).all())
    # Show the demo credentials only when this database really is the demo built with them.
    return [u for u in users if u[3] in known]


def _log_to_file() -> None:
    # The screen owns the terminal: log to a file in the data directory instead of stderr.
    path = default_data_dir() / "wms-terminal.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
