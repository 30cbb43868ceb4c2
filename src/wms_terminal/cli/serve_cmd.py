"""`wms-terminal serve [--host H] [--port P] [--role R]`: the terminal app in a web browser.

Each browser tab gets its own `wms-terminal run` process (textual-serve), the same app as at a
terminal, signed in by badge and PIN; with `--role R` each is `run --role R`. The database is
checked once before serving (a mistyped URL stops here with its reason) and handed to the
sessions in WMS_DATABASE_URL, never on a command line where `ps` would show its password.
textual-serve's own logging prints tracebacks with their local variables (the sessions'
environment among them): it is replaced by plain log lines.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
from typing import Any

from wms_terminal.cli.run_cmd import ROLES
from wms_terminal.core.errors import ConfigurationError

log = logging.getLogger(__name__)


def register(serve: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    serve.description = (
        "Serve the terminal app to web browsers: open http://HOST:PORT/ and sign in by badge "
        "and PIN. Anyone who can reach the port gets the sign-in screen: keep the default "
        "localhost, or put it behind a TLS proxy (--public-url)."
    )
    serve.add_argument(
        "--host", default="localhost", help="address to listen on (default: localhost)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use when it differs (behind a proxy), e.g. https://wms.example",
    )
    serve.add_argument(
        "--role",
        choices=ROLES,
        help="every session's role, as `run --role`: after sign-in, that role's mode without "
        "asking (a user without the role is refused); default: the user's role",
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from wms_terminal import bootstrap

    bootstrap.connect(args.database).close()  # no file, wrong schema, unreachable: say so now
    if args.database:
        os.environ["WMS_DATABASE_URL"] = args.database
    if not 0 < args.port < 65536:
        raise ConfigurationError(f"--port must be 1 to 65535, not {args.port}")
    server = _server(args)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        raise ConfigurationError(
            f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    return 0


def _server(args: argparse.Namespace) -> Any:
    from textual_serve.server import Server

    class PlainLogServer(Server):
        def initialize_logging(self) -> None:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            for name in ("textual-serve", "aiohttp.access", "aiohttp.server"):
                logger = logging.getLogger(name)
                logger.handlers[:] = [handler]
                logger.propagate = False
                logger.setLevel(logging.INFO)

    return PlainLogServer(
        session_command(args),
        host=args.host,
        port=args.port,
        title="wms-terminal",
        public_url=args.public_url,
    )


def session_command(args: argparse.Namespace) -> str:
    """The command line each browser session runs (the database goes in the environment)."""
    argv = [sys.executable, "-m", "wms_terminal", "run"]
    if args.role:
        argv += ["--role", args.role]
    return shlex.join(argv)
