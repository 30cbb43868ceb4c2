"""A real local HTTP server that receives webhooks and misbehaves on request: each POST takes
the next answer from `script` ("ok", a status code like "500", "stall" (no answer for longer
than the sender waits), "drop" (the connection closed without an answer)); "ok" once the
script is used up."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HookServer:
    script: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    stall_s: float = 3.0

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                answer = owner.script.pop(0) if owner.script else "ok"
                owner.received.append(Received(self.path, dict(self.headers.items()), body))
                if answer == "stall":
                    time.sleep(owner.stall_s)
                    return
                if answer == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                code = 200 if answer == "ok" else int(answer)
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/wms"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
