"""`wms-terminal wave plan|release`: preview and release waves of orders for picking.

    wms-terminal wave plan [filters] --strategy S [--routing M] [--json]
    wms-terminal wave release [filters] --strategy S --badge B   (PIN in WMS_PIN or --pin-file F)

Filters: --cutoff, --carrier-service, --channel, --priority-min, --zone, --flag (repeatable),
--max-orders, --warehouse. Only supervisors and managers may release (checked in the service).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text

from wms_terminal import bootstrap
from wms_terminal.cli import picklist_cmd
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table
from wms_terminal.core.db import Database
from wms_terminal.core.errors import AuthenticationFailed, ValidationError
from wms_terminal.picking import messages as M
from wms_terminal.picking.batch_problem import CartCapacity
from wms_terminal.picking.strategies import STRATEGIES
from wms_terminal.picking.wave_batching import DEFAULT_CART, METHODS, cart
from wms_terminal.picking.wave_plan import WavePlan, plan_wave
from wms_terminal.picking.wave_pool import parse_cutoff
from wms_terminal.picking.wave_release import release_wave
from wms_terminal.picking.wave_selection import WaveFilter


def register(wave: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    wsub = wave.add_subparsers(dest="wave_command", metavar="ACTION", required=True)
    plan = wsub.add_parser("plan", parents=[common], help="preview a wave (writes nothing)")
    _filters(plan)
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(handler=_plan)
    rel = wsub.add_parser("release", parents=[common], help="release a wave (supervisor)")
    _filters(rel)
    add_auth_arguments(rel)
    _no_user_option(rel)
    rel.add_argument("--json", action="store_true", help="print the result as JSON")
    rel.set_defaults(handler=_release)
    picklist_cmd.add_wave_actions(wsub, common)


def _no_user_option(p: argparse.ArgumentParser) -> None:
    # `--user NAME` once released a wave in anyone's name without a PIN: it now only explains.
    p.add_argument("--user", metavar="USERNAME", help=argparse.SUPPRESS)


def _refuse_user_option(args: argparse.Namespace) -> None:
    if getattr(args, "user", None):
        raise AuthenticationFailed(
            "--user no longer logs in: give --badge B with the PIN in WMS_PIN or --pin-file F "
            "(or --account NAME with WMS_SECRET)"
        )


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--warehouse", metavar="CODE", help="warehouse code (needed if several)")
    p.add_argument("--cutoff", metavar="WHEN", help="orders to ship by then (ISO date or time)")
    p.add_argument("--carrier-service", metavar="CODE")
    p.add_argument("--channel", choices=("web", "marketplace", "store", "phone"))
    p.add_argument("--priority-min", type=int, metavar="N")
    p.add_argument("--zone", metavar="CODE", help="orders whose picks all lie in this zone")
    p.add_argument(
        "--flag", action="append", default=[], metavar="CODE", help="special-order flag (any of)"
    )
    p.add_argument("--max-orders", type=int, metavar="N")
    p.add_argument("--strategy", choices=sorted(STRATEGIES), default="per-order")
    p.add_argument("--routing", choices=METHODS, default="optimal", help="routing method")
    p.add_argument("--cart-totes", type=int, default=DEFAULT_CART.totes, metavar="N")


def _cutoff(value: str | None) -> datetime | None:
    return parse_cutoff(value, label="--cutoff")


def _filter(args: argparse.Namespace) -> WaveFilter:
    if args.max_orders is not None and args.max_orders < 1:
        raise ValidationError("--max-orders must be at least 1")
    return WaveFilter(
        warehouse=args.warehouse,
        cutoff=_cutoff(args.cutoff),
        carrier_service=args.carrier_service,
        channel=args.channel,
        priority_min=args.priority_min,
        zone=args.zone,
        flags=tuple(args.flag),
        max_orders=args.max_orders,
    )


def _capacity(args: argparse.Namespace) -> CartCapacity:
    if not 1 <= args.cart_totes <= 100:
        raise ValidationError("--cart-totes must be 1 to 100")
    return cart(args.cart_totes)


def _table(plan: WavePlan, lists: list[dict[str, Any]]) -> list[str]:
    rows = [
        ("warehouse", plan.warehouse_code),
        ("strategy", plan.strategy),
        ("orders", str(plan.orders)),
        ("lines", str(plan.lines)),
        ("picks", str(plan.picks)),
        ("units", str(plan.units)),
        ("pick lists", str(plan.pick_lists)),
    ]
    for method, metres in plan.travel_m.items():
        mark = " *" if method == plan.routing_method else ""
        rows.append((f"travel {method}{mark}", f"{metres:,.1f} m"))
    rows.append(("picker-hours", f"{plan.picker_hours:.2f}"))
    out = table(rows)
    out.append(
        f"* the routing method the lists would be walked by (--routing {plan.routing_method}); "
        "the other lines compare the same lists routed another way"
    )
    out.append("")
    out.append(f"orders: {_some(plan.order_numbers, 30)}")
    out.append("pick lists it would make:")
    out += table(
        (
            (
                f"{n:>4}. zone {pl['zone'] or 'any'}",
                f"{len(pl['orders'])} order(s)",
                f"{pl['picks']} picks",
                f"{pl['units']} units",
                f"{pl['totes']} tote(s)",
                f"{pl['route_m']:,.1f} m",
                _some(pl["orders"], 6),
            )
            for n, pl in enumerate(lists, start=1)
        ),
        right=(1, 2, 3, 4, 5),
        indent="  ",
    )
    return out


def _some(items: Sequence[str], at_most: int) -> str:
    shown = ", ".join(items[:at_most])
    more = len(items) - at_most
    return f"{shown} and {more} more (--json lists all)" if more > 0 else shown


def _lists(db: Database, plan: WavePlan) -> list[dict[str, Any]]:
    """The planned lists with their orders' numbers and zone codes (read for the preview)."""
    ids = sorted({p.order_id for rl in plan.lists for p, _slot in rl.picks})
    numbers: dict[int, str] = {}
    with db.reading() as s:
        for i in range(0, len(ids), 900):
            part = ids[i : i + 900]
            numbers.update(
                (int(a), str(b))
                for a, b in s.execute(
                    text("SELECT id, number FROM sales_order WHERE id IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    {"ids": part},
                )
            )
        zones = {
            int(a): str(b)
            for a, b in s.execute(
                text("SELECT id, code FROM zone WHERE warehouse_id = :w"),
                {"w": plan.warehouse_id},
            )
        }
    out = []
    for rl in plan.lists:
        orders = list(dict.fromkeys(numbers[p.order_id] for p, _slot in rl.picks))
        out.append(
            {
                "zone": zones.get(rl.zone_id) if rl.zone_id is not None else None,
                "priority": rl.priority,
                "orders": orders,
                "picks": len(rl.picks),
                "units": sum(p.qty for p, _slot in rl.picks),
                "totes": rl.tote_count,
                "route_m": round(rl.route_length_m, 1),
            }
        )
    return out


def _plan(args: argparse.Namespace) -> int:
    flt, capacity = _filter(args), _capacity(args)
    with bootstrap.connect(args.database) as app:
        plan = plan_wave(
            app.db, flt, strategy=args.strategy, routing_method=args.routing, capacity=capacity
        )
        if not plan.orders:
            # Like release: an empty wave is an answer the script must notice.
            raise ValidationError(M.WAVE_EMPTY)
        lists = _lists(app.db, plan)
    emit(args.json, {**plan.to_json(), "lists": lists}, lambda: _table(plan, lists))
    return 0


def _release(args: argparse.Namespace) -> int:
    _refuse_user_option(args)
    flt, capacity = _filter(args), _capacity(args)
    with signed_in(args) as (app, actor):
        wave = release_wave(
            app.db,
            actor,
            flt,
            strategy=args.strategy,
            routing_method=args.routing,
            capacity=capacity,
        )
    emit(
        args.json,
        {
            "wave": wave.number,
            "orders": wave.orders,
            "lines": wave.lines,
            "picks": wave.picks,
            "pick_lists": len(wave.pick_list_ids),
            "route_length_m": round(wave.route_length_m, 1),
        },
        f"released {wave.number}: {wave.orders} orders, {wave.lines} lines, "
        f"{len(wave.pick_list_ids)} pick lists, {wave.route_length_m:,.1f} m",
    )
    return 0
