"""The `wms-terminal route` contract: JSON in, JSON out, exit 2 with a message on bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wms_terminal.cli import main
from wms_terminal.picking.layout import Layout, PickPoint
from wms_terminal.picking.routing import ROUTING_METHODS

LAYOUT: dict[str, Any] = {
    "aisles": 5,
    "bays": 10,
    "aisle_pitch_m": 3,
    "bay_width_m": 1,
    "cross_aisles": 3,
    "depot_aisle": 1,
}
PICKS: dict[str, Any] = {
    "pick_lists": [
        [{"aisle": 2, "bay": 3}, {"aisle": 5, "bay": 9}],
        [],
        [{"aisle": 3, "bay": 1}, {"aisle": 3, "bay": 1}, {"aisle": 1, "bay": 10}],
    ]
}


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, layout: object, picks: object, method: str
) -> tuple[int, str, str]:
    argv = [
        "route",
        "--layout",
        write(tmp_path, "layout.json", layout),
        "--picks",
        write(tmp_path, "picks.json", picks),
        "--method",
        method,
    ]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("method", list(ROUTING_METHODS))
def test_routes_every_list_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, method: str
) -> None:
    code, out, err = run(capsys, tmp_path, LAYOUT, PICKS, method)
    assert code == 0, err
    result = json.loads(out)
    assert result["method"] == method
    assert len(result["routes"]) == 3
    layout = Layout.from_dict(LAYOUT)
    for items, r in zip(PICKS["pick_lists"], result["routes"], strict=True):
        assert set(r) == {"length_m", "sequence"}
        points = [PickPoint(p["aisle"], p["bay"]) for p in items]
        assert sorted(r["sequence"]) == list(range(len(points)))
        assert layout.route_length(points, r["sequence"]) <= r["length_m"] + 1e-6
    assert result["routes"][1] == {"length_m": 0.0, "sequence": []}
    if method == "optimal":
        assert result["routes"][0] == {"length_m": 41.0, "sequence": [1, 0]}


def test_installed_command_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "wms-terminal"
    if not exe.exists():
        pytest.skip("wms-terminal script not installed next to the interpreter")
    layout = write(tmp_path, "layout.json", LAYOUT)
    picks = write(tmp_path, "picks.json", PICKS)
    ok = subprocess.run(
        [str(exe), "route", "--layout", layout, "--picks", picks, "--method", "optimal"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["routes"][0]["length_m"] == 41.0
    bad = write(tmp_path, "bad.json", {"pick_lists": [[{"aisle": 2, "bay": 11}]]})
    failed = subprocess.run(
        [str(exe), "route", "--layout", layout, "--picks", bad, "--method", "optimal"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert "bay 11" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert failed.stdout == ""


@pytest.mark.parametrize(
    ("layout", "picks", "words"),
    [
        ("{not json", PICKS, "not valid JSON"),
        (LAYOUT, "[[", "not valid JSON"),
        ([], PICKS, "JSON object"),
        ({k: v for k, v in LAYOUT.items() if k != "bays"}, PICKS, "missing field 'bays'"),
        ({**LAYOUT, "cross_aisles": 4}, PICKS, "cross_aisles"),
        ({**LAYOUT, "depot_aisle": 9}, PICKS, "depot_aisle"),
        ({**LAYOUT, "aisles": "5"}, PICKS, "'aisles' must be an integer"),
        ({**LAYOUT, "bay_width_m": -1}, PICKS, "bay_width_m"),
        (LAYOUT, {}, "missing field 'pick_lists'"),
        (LAYOUT, {"pick_lists": {}}, "'pick_lists' must be a list"),
        (LAYOUT, {"pick_lists": [{}]}, r"pick_lists\[0\] must be a list"),
        (LAYOUT, {"pick_lists": [[], [3]]}, r"pick_lists\[1\]\[0\] must be an object"),
        (LAYOUT, {"pick_lists": [[{"aisle": 1}]]}, r"pick_lists\[0\]\[0\] is missing field 'bay'"),
        (LAYOUT, {"pick_lists": [[{"aisle": 1, "bay": 1.5}]]}, "'bay' must be an integer"),
        (LAYOUT, {"pick_lists": [[{"aisle": 1, "bay": True}]]}, "'bay' must be an integer"),
        (LAYOUT, {"pick_lists": [[{"aisle": 6, "bay": 1}]]}, "aisle 6 is out of range"),
        (LAYOUT, {"pick_lists": [[{"aisle": 1, "bay": 0}]]}, "bay 0 is out of range"),
    ],
)
def test_malformed_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, layout: object, picks: object, words: str
) -> None:
    code, out, err = run(capsys, tmp_path, layout, picks, "optimal")
    assert code == 2
    assert out == ""
    assert err.startswith("wms-terminal route: ")
    assert "Traceback" not in err
    assert re.search(words, err), err


def test_unknown_method_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, tmp_path, LAYOUT, PICKS, "shortest")
    assert code == 2
    assert "invalid choice: 'shortest'" in err
    assert out == ""


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["route", "--layout", str(tmp_path / "nope.json"), "--picks", "x", "--method", "optimal"]
    assert main(argv) == 2
    assert "layout file" in capsys.readouterr().err
