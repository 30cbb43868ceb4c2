"""`wms-terminal wave plan|release` end to end on each backend."""

from __future__ import annotations

import json

from wms_terminal.cli import main

from .conftest import Floor
from .helpers import scalar


def test_plan_json_then_release_as_supervisor(floor: Floor, db_url: str, wms_pin: str, capsys):
    floor.order([(1, 1), (3, 2)])
    floor.order([(4, 1)], flags=("VIP",))
    assert main(["wave", "plan", "--database", db_url, "--strategy", "cluster", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["orders"] == 2 and plan["lines"] == 3
    # The VIP order gets a cart of its own (never held back in a batch of ordinary ones).
    assert plan["pick_lists"] == 2
    assert set(plan["travel_m"]) == {"s-shape", "largest-gap", "combined", "optimal"}
    assert scalar(floor.db, "SELECT COUNT(*) FROM wave") == 0
    assert main(["wave", "plan", "--database", db_url, "--flag", "VIP"]) == 0
    table = capsys.readouterr().out
    assert "orders" in table and "travel optimal *" in table
    code = main(
        [
            "wave",
            "release",
            "--database",
            db_url,
            "--strategy",
            "cluster",
            "--badge",
            floor.badges["boss"],
            "--json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["orders"] == 2 and out["pick_lists"] == 2
    assert scalar(floor.db, "SELECT COUNT(*) FROM sales_order WHERE status = 'released'") == 2


def test_a_picker_cannot_release_from_the_command_line(
    floor: Floor, db_url: str, wms_pin: str, capsys
):
    floor.order([(1, 1)])
    code = main(["wave", "release", "--database", db_url, "--badge", floor.badges["pat"]])
    assert code == 6
    assert "may not release wave" in capsys.readouterr().err
    # The old way, a name and no PIN, no longer acts in anyone's name.
    assert main(["wave", "release", "--database", db_url, "--user", "boss"]) == 6
    assert "--user no longer logs in" in capsys.readouterr().err
    assert scalar(floor.db, "SELECT COUNT(*) FROM wave") == 0
    assert scalar(floor.db, "SELECT status FROM sales_order") == "reserved"


def test_bad_filters_are_clean_errors(floor: Floor, db_url: str, capsys):
    assert main(["wave", "plan", "--database", db_url, "--cutoff", "tomorrow"]) == 2
    assert "--cutoff" in capsys.readouterr().err
    assert main(["wave", "plan", "--database", db_url, "--zone", "Z9"]) == 1
    assert "no zone" in capsys.readouterr().err


def test_plan_lists_orders_and_lists_and_an_empty_plan_fails(floor: Floor, db_url: str, capsys):
    first = floor.order([(1, 1), (3, 2)])
    second = floor.order([(4, 1)])
    assert main(["wave", "plan", "--database", db_url, "--strategy", "batch"]) == 0
    out = capsys.readouterr().out
    assert "* the routing method the lists would be walked by (--routing optimal)" in out
    assert f"orders: {first}, {second}" in out
    assert "pick lists it would make:" in out and "1. zone" in out
    assert main(["wave", "plan", "--database", db_url, "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert sorted(o for pl in plan["lists"] for o in pl["orders"]) == sorted([first, second])
    assert sum(pl["picks"] for pl in plan["lists"]) == plan["picks"]
    # Nothing matches: said, and a non-zero exit, as release does.
    code = main(["wave", "plan", "--database", db_url, "--flag", "VIP"])
    assert code == 2
    captured = capsys.readouterr()
    assert "No orders match these filters" in captured.err and captured.out == ""
