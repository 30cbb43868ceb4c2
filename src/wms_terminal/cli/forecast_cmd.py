"""`wms-terminal forecast run|backtest|health`: demand forecast, reorder points, stock health.

    forecast run [--service-level 0.95] [--days 56] [--overstock-days 120] [--json]  (--badge B)
    forecast backtest [--days 56] [--horizon 14] [--json]
    forecast health [--warehouse W] [--kind stockout|overstock|no-demand] [--json]

`run` fits every product in every warehouse, sets the reorder points the reorder rule uses,
raises what is due at them and mails the stock-health warnings (audited; a manager or supervisor
with purchasing rights). `backtest` and `health` only read. `--today YYYY-MM-DD` (run, backtest)
sets the day the history ends before (default: today, UTC).
"""

from __future__ import annotations

import argparse

from wms_terminal import bootstrap
from wms_terminal.cli.arg_types import iso_date
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.render import emit, table


def register(fc: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    sub = fc.add_subparsers(dest="forecast_command", metavar="ACTION", required=True)
    run = sub.add_parser(
        "run",
        parents=[common],
        help="forecast demand, set reorder points, raise what is due, mail stock warnings",
    )
    run.add_argument("--service-level", type=_share, default=0.95, metavar="P")
    run.add_argument("--days", type=_days, default=56, metavar="N", help="days of history")
    run.add_argument("--overstock-days", type=_days, default=120, metavar="N")
    run.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD")
    run.add_argument("--json", action="store_true")
    add_auth_arguments(run)
    run.set_defaults(handler=_run)
    bt = sub.add_parser(
        "backtest", parents=[common], help="forecast error on the last days, beside a naive one"
    )
    bt.add_argument("--days", type=_days, default=56, metavar="N", help="days of history")
    bt.add_argument("--horizon", type=_days, default=14, metavar="N", help="days held out")
    bt.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD")
    bt.add_argument("--smooth-alpha", type=_share, metavar="A", help="SES constant (smooth)")
    bt.add_argument("--occurrence-alpha", type=_share, metavar="A", help="TSB demand chance")
    bt.add_argument("--size-alpha", type=_share, metavar="A", help="TSB demand size")
    bt.add_argument("--json", action="store_true")
    bt.set_defaults(handler=_backtest)
    hl = sub.add_parser("health", parents=[common], help="stockout and overstock warnings")
    hl.add_argument("--warehouse", metavar="CODE")
    hl.add_argument("--kind", choices=("stockout", "overstock", "no-demand"))
    hl.add_argument("--overstock-days", type=_days, default=120, metavar="N")
    hl.add_argument("--json", action="store_true")
    hl.set_defaults(handler=_health)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"not a share between 0 and 1: {text[:20]!r}")
    return value


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"not a number of days (1 to 3650): {text[:20]!r}")
    return int(text)


def _run(args: argparse.Namespace) -> int:
    from wms_terminal.forecast.run import run_forecast

    with signed_in(args) as (app, actor):
        done = run_forecast(
            app.db,
            actor,
            today=args.today,
            service_level=args.service_level,
            days=args.days,
            overstock_days=args.overstock_days,
        )
    methods = ", ".join(f"{n} {m}" for m, n in sorted(done.methods.items()))
    warned = ", ".join(f"{n} {k}" for k, n in sorted(done.warnings.items())) or "none"
    emit(
        args.json,
        done.to_json(),
        [
            f"forecast of {done.series} products x warehouses from {done.history_days} days "
            f"from {done.history_start} ({methods}) in {done.fit_seconds:.1f} s",
            f"reorder points changed: {done.changed} (service level {done.service_level:g})",
            f"purchase orders raised: {len(done.raised)}",
            f"stock warnings: {warned}; e-mails queued: {done.notices}",
        ],
    )
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from wms_terminal.forecast.backtest import backtest
    from wms_terminal.forecast.history import read_history
    from wms_terminal.forecast.methods import Params

    defaults = Params()
    params = Params(
        smooth=args.smooth_alpha or defaults.smooth,
        occurrence=args.occurrence_alpha or defaults.occurrence,
        size=args.size_alpha or defaults.size,
    )
    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        history = read_history(session, end=args.today or datetime.now(UTC).date(), days=args.days)
    result = backtest(history, horizon=args.horizon, params=params)

    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    emit(
        args.json,
        result.to_json(),
        lambda: [
            f"backtest: {result.series} series, fitted on {result.train_days} days, "
            f"scored on the next {result.horizon}",
            *table(
                (
                    (s.group, s.series, *map(num, (s.mase, s.naive_mase, s.wape, s.naive_wape)))
                    for s in result.scores
                ),
                header=("method", "series", "MASE", "naive MASE", "WAPE", "naive WAPE"),
                right=(1, 2, 3, 4, 5),
            ),
        ],
    )
    return 0


def _health(args: argparse.Namespace) -> int:
    from wms_terminal.forecast.health import stock_health

    with bootstrap.connect(args.database) as app, app.db.reading() as session:
        found = stock_health(session, warehouse=args.warehouse, overstock_days=args.overstock_days)
    if args.kind:
        found = [w for w in found if w.kind == args.kind.replace("-", " ")]
    emit(
        args.json,
        [w.to_json() for w in found],
        lambda: table(
            (
                (
                    w.kind,
                    w.warehouse,
                    w.sku,
                    w.free,
                    f"{w.daily:.2f}",
                    "-" if w.cover_days is None else f"{w.cover_days:.1f}",
                    w.lead_time_days,
                    w.reorder_point,
                    w.on_order,
                )
                for w in found
            ),
            header=("warning", "wh", "sku", "free", "per day", "cover", "lead", "ROP", "due"),
            right=(3, 4, 5, 6, 7, 8),
            empty="no stock warnings (run `wms-terminal forecast run` first)",
        ),
    )
    return 0
