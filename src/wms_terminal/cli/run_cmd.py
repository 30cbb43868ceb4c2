"""`wms-terminal run [--demo]`: open the terminal app.

The sign-in screen is drawn before the database layer is loaded: the app is given `connect`, which
it runs in a thread once the screen is up (tui/connecting.py), so a terminal is ready to scan
within half a second (bench/bench_startup.py). An unusable database still ends the app with the
same message and exit code. `--demo` opens (and may build) the database first, as it prints.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from wms_terminal.config import Settings, default_data_dir, idle_logout_seconds
from wms_terminal.core.errors import ConfigurationError
from wms_terminal.tui.camera_feed import camera_setting

# The roles (core.models.people.Role.ALL), spelled out: importing the models would load the
# database layer before the sign-in screen is drawn. tests/tui/test_run_role.py checks the match.
ROLES = ("picker", "packer", "supervisor", "manager")

if TYPE_CHECKING:
    from wms_terminal import bootstrap
    from wms_terminal.core.db import Database


def register(run: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--demo",
        action="store_true",
        help="build the demo warehouse on first use when the database is empty (the default "
        "SQLite file in the data directory is made if missing)",
    )
    run.add_argument(
        "--camera",
        metavar="DEVICE|FILE|URL",
        help="also read codes with a camera: a device index (0), a video file or a stream URL "
        "(rtsp://, http://); default: the setting WMS_CAMERA, else none",
    )
    run.add_argument(
        "--role",
        choices=ROLES,
        help="this terminal's role: after sign-in, that role's mode without asking (a user "
        "without the role is refused); default: the user's role, asked when they have several",
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    _check_scanner_settings()
    idle_logout_s = idle_logout_seconds()
    opened: list[bootstrap.App] = []
    demo_users: list[tuple[str, str, str, str, str]] = []
    db: Database | Callable[[], Database]
    if args.demo:
        demo = _open_demo(args.database)
        opened.append(demo)
        db, demo_users = demo.db, _ensure_demo(demo)
    else:

        def db() -> Database:  # run by the app in a thread, once the sign-in screen is drawn
            from wms_terminal import bootstrap

            opened.append(bootstrap.connect(args.database))
            _load_sign_in()
            return opened[-1].db

    _log_to_file()
    from wms_terminal.tui.app import WmsApp  # Textual only when a screen is wanted

    tui = WmsApp(
        db,
        terminal=Settings.from_env(args.database).terminal_id,
        demo_users=demo_users,
        idle_logout_s=idle_logout_s,
        camera=camera_setting(args.camera),
        role=args.role,
    )
    try:
        tui.run()
    finally:
        for app in opened:
            app.close()
    return tui.return_code or 0  # non-zero after an unexpected error (logged, told in one line)


def _open_demo(database: str | None) -> bootstrap.App:
    from wms_terminal import bootstrap
    from wms_terminal.core import migrate

    app = bootstrap.connect(database, require_schema=False, create_default=True)
    try:
        migrate.upgrade(app.db.engine)  # create, or upgrade an older demo file
    except BaseException:
        app.close()
        raise
    return app


def _load_sign_in() -> None:
    """The log-in service, loaded while nobody waits for it. (Not biip's GS1 tables: 16 MB a
    terminal pays only when a GS1 code is scanned.)"""
    from wms_terminal.core import auth  # noqa: F401


def _check_scanner_settings() -> None:
    """A mistyped WMS_SCANNER_* setting stops here with its reason, not inside the screen."""
    from wms_terminal.scanning.wedge import WedgeConfig

    try:
        WedgeConfig.from_env()
        WedgeConfig.from_env(mode="pack")
    except ValueError as exc:
        raise ConfigurationError(f"scanner settings: {exc}") from exc


def _ensure_demo(app: bootstrap.App) -> list[tuple[str, str, str, str, str]]:
    """Build the demo warehouse when the database is empty; return its users' badges and PINs."""
    from sqlmodel import select

    from wms_terminal.core.models import User, Warehouse
    from wms_terminal.demo import (
        DEFAULT_ORDERS,
        DEFAULT_SEED,
        DEMO_WAVE_ORDERS,
        build_demo,
        demo_users,
    )

    with app.db.reading() as session:
        empty = session.exec(select(Warehouse.id)).first() is None
    if empty:
        print(f"building the demo warehouse ({DEFAULT_ORDERS} orders), once ...", file=sys.stderr)
        build_demo(app.db, orders=DEFAULT_ORDERS, seed=DEFAULT_SEED, wave_orders=DEMO_WAVE_ORDERS)
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
