"""Keys, permissions, revocation and rate limits, over real HTTP; the `api` and `integrations`
commands as a user runs them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests import factories as f
from tests.api.conftest import NewKey, order_doc
from wms_terminal.api.auth import KEY_TTL_S
from wms_terminal.cli import main
from wms_terminal.core.db import Database


def _operations(api_url: str) -> list[tuple[str, str]]:
    doc = httpx.get(f"{api_url}/openapi.json").json()
    return [
        (method.upper(), path.replace("{number}", "SO-0000001"))
        for path, item in doc["paths"].items()
        for method in item
    ]


def test_no_operation_answers_without_a_valid_key(api_url: str, key: str) -> None:
    operations = _operations(api_url)
    assert ("POST", "/v1/orders") in operations and ("GET", "/v1/stock") in operations
    for headers in ({}, {"Authorization": "Bearer not-a-key"}, {"Authorization": f"Basic {key}"}):
        for method, path in operations:
            r = httpx.request(method, f"{api_url}{path}", headers=headers, json={})
            assert r.status_code == 401, (method, path, headers, r.text)
            assert r.headers["WWW-Authenticate"] == "Bearer"
            assert set(r.json()) == {"error"}
    # The interactive docs pages are not served (they would be pages without a key).
    assert httpx.get(f"{api_url}/docs").status_code == 404


def test_permissions_are_checked_per_account(
    api_url: str,
    new_key: NewKey,
    db_url: str,
    manager: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    reader = new_key("stock-feed", "--permission", "read_stock")
    auth = {"Authorization": f"Bearer {reader}"}
    assert httpx.get(f"{api_url}/v1/stock", headers=auth).status_code == 200
    refused = httpx.post(f"{api_url}/v1/orders", headers=auth, json=order_doc())
    assert refused.status_code == 403
    assert "stock-feed may not import orders" in refused.json()["error"]

    args = ["integrations", "permissions", "stock-feed", "--database", db_url]
    assert main([*args, "--permission", "import_orders", *manager]) == 0
    time.sleep(KEY_TTL_S + 0.1)  # the server remembers a key's account for a second
    assert httpx.post(f"{api_url}/v1/orders", headers=auth, json=order_doc()).status_code == 201
    assert httpx.get(f"{api_url}/v1/stock", headers=auth).status_code == 403

    capsys.readouterr()
    assert main(["integrations", "list", "--json", "--database", db_url, *manager]) == 0
    listed = {a["account"]: a for a in json.loads(capsys.readouterr().out)}
    assert listed["stock-feed"]["permissions"] == ["import_orders"]
    assert reader not in json.dumps(listed)  # the key is shown once, at `add`, never again

    bad = ["integrations", "add", "--name", "x", "--permission", "fly", "--database", db_url]
    assert main([*bad, *manager]) == 2
    assert "unknown permission(s) 'fly'" in capsys.readouterr().err


def test_a_revoked_key_stops_at_once_and_a_new_secret_is_a_new_key(
    api: httpx.Client, key: str, db_url: str, manager: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert api.get("/v1/stock").status_code == 200
    assert main(["integrations", "revoke", "webshop", "--database", db_url, *manager]) == 0
    time.sleep(KEY_TTL_S + 0.1)
    gone = api.get("/v1/stock")
    assert gone.status_code == 401 and gone.json() == {"error": "unknown or revoked key"}

    assert main(["users", "activate", "webshop", "--database", db_url, *manager]) == 0
    assert api.get("/v1/stock").status_code == 401  # the revoked key stays dead
    capsys.readouterr()
    reset = ["users", "reset-secret", "webshop", "--json", "--database", db_url, *manager]
    assert main(reset) == 0
    fresh = json.loads(capsys.readouterr().out)["secret"]
    assert fresh != key
    r = api.get("/v1/stock", headers={"Authorization": f"Bearer {fresh}"})
    assert r.status_code == 200


def test_the_key_is_also_the_accounts_secret_on_the_command_line(
    key: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.json"
    path.write_text(json.dumps({"orders": [order_doc("CLI-1")]}))
    monkeypatch.setenv("WMS_SECRET", key)
    args = ["orders", "import", str(path), "--account", "webshop", "--database", db_url]
    assert main(args) == 0


def test_over_the_rate_limit_is_429_with_retry_after(api_url: str, new_key: NewKey) -> None:
    slow = new_key("slow-shop", "--rate-limit", "2", "--permission", "read_stock")
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {slow}"}) as c:
        codes = [c.get("/v1/stock", params={"limit": 1}) for _ in range(4)]
        assert [r.status_code for r in codes[:2]] == [200, 200]
        limited = [r for r in codes[2:] if r.status_code == 429]
        assert limited, [r.status_code for r in codes]
        assert int(limited[0].headers["Retry-After"]) >= 1
        assert "rate limit of 2" in limited[0].json()["error"]
        time.sleep(1.1)  # the bucket refills
        assert c.get("/v1/stock", params={"limit": 1}).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_api_command_serves_the_openapi_document(stocked: object, db_url: str) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "wms_terminal", "api", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--database", db_url, "--no-access-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.2)
        assert r.status_code == 200
        doc = r.json()
        assert "/v1/orders" in doc["paths"] and "/v1/stock" in doc["paths"]
        assert httpx.get(f"http://127.0.0.1:{port}/v1/stock").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_api_command_refuses_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "wms_terminal", "api", "--database", f"sqlite:///{missing}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "no database at" in out.stderr and "Traceback" not in out.stderr


def test_only_a_manager_adds_integrations(
    stocked: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with stocked.transaction() as s:
        supervisor = f.cli_user(s, "sam", "supervisor")
    args = ["integrations", "add", "--name", "shop", "--json", "--database", db_url]
    assert main([*args, *supervisor]) == 6
    err = capsys.readouterr()
    assert "may not manage users" in err.err and err.out == ""
    assert main([*args]) == 6  # nobody named: nobody adds
