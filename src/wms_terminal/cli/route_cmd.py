"""`wms-terminal route`: route pick lists through a warehouse layout, for planners and scripts.

    wms-terminal route --layout LAYOUT.json --picks PICKS.json --method METHOD

LAYOUT.json is the layout dict of ``wms_terminal.picking.layout`` and PICKS.json is
``{"pick_lists": [[{"aisle": a, "bay": b}, ...], ...]}``. Prints
``{"method": METHOD, "routes": [{"length_m": L, "sequence": [i, ...]}, ...]}``, one route per pick
list in order. Malformed input: a message naming what is wrong on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wms_terminal.picking.layout import InvalidPickPoint, Layout, LayoutError, PickPoint
from wms_terminal.picking.routing import ROUTING_METHODS, route

EXIT_INPUT = 2


class _InputError(Exception):
    pass


def register(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.description = "Route each pick list from the depot through its picks and back."
    parser.add_argument("--layout", required=True, metavar="LAYOUT.json", help="layout file")
    parser.add_argument("--picks", required=True, metavar="PICKS.json", help="pick lists file")
    parser.add_argument(
        "--method",
        required=True,
        choices=list(ROUTING_METHODS),
        help="routing method",
    )
    parser.add_argument(
        "--indent", type=int, default=None, metavar="N", help="pretty-print the JSON output"
    )
    parser.set_defaults(handler=run)


def _load_json(path: str, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _InputError(f"{what} file {path!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _InputError(f"cannot read {what} file {path!r}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _InputError(
            f"{what} file {path!r} is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}"
        ) from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_pick_lists(data: object, layout: Layout) -> list[list[PickPoint]]:
    """Validate PICKS.json content against ``layout``; raises ``ValueError`` naming the spot."""
    if not isinstance(data, dict):
        raise ValueError(f"picks must be a JSON object, got {type(data).__name__}")
    if "pick_lists" not in data:
        raise ValueError("picks is missing field 'pick_lists'")
    lists = data["pick_lists"]
    if not isinstance(lists, list):
        raise ValueError("picks field 'pick_lists' must be a list of pick lists")
    out: list[list[PickPoint]] = []
    for i, items in enumerate(lists):
        where = f"pick_lists[{i}]"
        if not isinstance(items, list):
            raise ValueError(f"{where} must be a list of picks")
        points: list[PickPoint] = []
        for j, item in enumerate(items):
            here = f"{where}[{j}]"
            if not isinstance(item, dict):
                raise ValueError(f"{here} must be an object with 'aisle' and 'bay'")
            for name in ("aisle", "bay"):
                if name not in item:
                    raise ValueError(f"{here} is missing field {name!r}")
                if not _is_int(item[name]):
                    raise ValueError(
                        f"{here} field {name!r} must be an integer, got {item[name]!r}"
                    )
            point = PickPoint(item["aisle"], item["bay"])
            try:
                layout.check_point(point)
            except InvalidPickPoint as exc:
                raise ValueError(f"{here}: {exc}") from None
            points.append(point)
        out.append(points)
    return out


def run(args: argparse.Namespace) -> int:
    try:
        try:
            layout = Layout.from_dict(_load_json(args.layout, "layout"))
        except LayoutError as exc:
            raise _InputError(f"layout file {args.layout!r}: {exc}") from None
        try:
            pick_lists = parse_pick_lists(_load_json(args.picks, "picks"), layout)
        except ValueError as exc:
            raise _InputError(f"picks file {args.picks!r}: {exc}") from None
    except _InputError as exc:
        print(f"wms-terminal route: {exc}", file=sys.stderr)
        return EXIT_INPUT
    routes = [route(layout, points, args.method) for points in pick_lists]
    result = {
        "method": args.method,
        "routes": [{"length_m": r.length_m, "sequence": r.sequence} for r in routes],
    }
    json.dump(result, sys.stdout, indent=args.indent)
    sys.stdout.write("\n")
    return 0
