"""`wms-terminal api --host H --port P`: the integration API (FastAPI under uvicorn).

The database is checked before serving (a mistyped URL or an old schema stops here with the
reason). One process serves every request (sync routes in its thread pool); rate limits are kept
in it (docs/api.md).
"""

from __future__ import annotations

import argparse

from wms_terminal.core.errors import ConfigurationError


def register(api: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    api.description = (
        "Serve the integration API for channels and ERP (docs/api.md): every route needs "
        "Authorization: Bearer KEY (`wms-terminal integrations add`), except /openapi.json."
    )
    api.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    api.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    api.add_argument("--no-access-log", action="store_true", help="do not log a line per request")
    api.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise ConfigurationError(f"--port must be 1 to 65535, not {args.port}")
    import uvicorn

    from wms_terminal.api.app import create_app

    app = create_app(args.database)
    config = uvicorn.Config(
        app, host=args.host, port=args.port, access_log=not args.no_access_log, log_level="info"
    )
    server = uvicorn.Server(config)
    server.run()
    # uvicorn reports a port in use (or an address not of this machine) and stops serving.
    return 0 if server.started else 2
