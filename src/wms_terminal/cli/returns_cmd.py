"""`wms-terminal returns open|show`: return authorisations (RMA) for shipped orders.

    wms-terminal returns open --order ORDER --line SKU:QTY [--line ...] --reason CODE
        (--refund | --exchange) [--note TEXT] [--json]          badge + WMS_PIN (packer or above)
    wms-terminal returns show RMA [--json]
    wms-terminal returns exchange RMA [--json]                badge + WMS_PIN: the replacement now
    wms-terminal returns customer EMAIL|REF [--json]          orders, returns, refunds, rate
    wms-terminal returns cancel RMA --note TEXT               badge + WMS_PIN: nothing came
    wms-terminal returns label RMA --out F.pdf                  the return label (RMA barcode)
    wms-terminal returns credit-note RMA --out F.pdf            the refund's credit note
    wms-terminal returns refund RMA [--json]                  badge + WMS_PIN (packer or above)
    wms-terminal returns --headless [--badge B [--pin P | --pin-file F]]   the returns station

`open --json` prints {"rma": "RMA-0000001", ...}; `show --json` prints {"rma", "status",
"lines": [{"sku", "qty", "received", "grade"}], "refund_total", "currency", "credit_note", ...}.
Reason codes: `wms_terminal.core.returns.REASONS`. A line cannot come back beyond what shipped,
counting earlier returns; the window per channel is WMS_RETURN_WINDOW_DAYS.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wms_terminal import bootstrap
from wms_terminal.cli.auth_args import add_auth_arguments, signed_in
from wms_terminal.cli.pick_cmd import add_driver_arguments, run_driver
from wms_terminal.cli.render import cell, emit, table
from wms_terminal.core.errors import ValidationError
from wms_terminal.core.returns import MAX_NOTE, REASONS, Resolution
from wms_terminal.returns.exchange import authorise, issue_replacement
from wms_terminal.returns.rma import parse_line, show_return


def register(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.description = (
        "Returns: open and show RMAs; --headless receives parcels at a returns station with "
        "JSON lines (prompts rma, product, grade; docs/headless.md)."
    )
    add_driver_arguments(p)
    p.set_defaults(handler=_station)
    sub = p.add_subparsers(dest="returns_command", metavar="ACTION", required=False)
    op = sub.add_parser("open", parents=[common], help="authorise a return of a shipped order")
    op.add_argument("--order", metavar="ORDER", required=True, help="order number, e.g. SO-0000001")
    op.add_argument(
        "--line",
        metavar="SKU:QTY",
        action="append",
        required=True,
        help="a product and how many units come back (repeat for more)",
    )
    op.add_argument("--reason", metavar="CODE", required=True, help=f"one of {', '.join(REASONS)}")
    how = op.add_mutually_exclusive_group(required=True)
    how.add_argument("--refund", action="store_true", help="money back")
    how.add_argument("--exchange", action="store_true", help="a replacement order")
    op.add_argument("--note", metavar="TEXT", default="", help="the customer's own words")
    op.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(op)
    op.set_defaults(handler=_open)

    rf = sub.add_parser(
        "refund", parents=[common], help="refund a received return (credit note, payment event)"
    )
    rf.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    rf.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(rf)
    rf.set_defaults(handler=_refund)

    ex = sub.add_parser(
        "exchange", parents=[common], help="raise an exchange's replacement order now"
    )
    ex.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    ex.add_argument("--json", action="store_true", help="print JSON")
    add_auth_arguments(ex)
    ex.set_defaults(handler=_exchange)

    cu = sub.add_parser(
        "customer", parents=[common], help="a customer's orders, returns, refunds, return rate"
    )
    cu.add_argument("who", metavar="EMAIL|REF", help="the customer's e-mail or reference")
    cu.add_argument("--json", action="store_true", help="print JSON")
    cu.set_defaults(handler=_customer)

    cc = sub.add_parser("cancel", parents=[common], help="cancel an open return nothing came of")
    cc.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    cc.add_argument("--note", metavar="TEXT", required=True, help="why it is cancelled")
    add_auth_arguments(cc)
    cc.set_defaults(handler=_cancel)

    lb = sub.add_parser("label", parents=[common], help="the return label (RMA barcode) as PDF")
    lb.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    lb.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF to write")
    lb.set_defaults(handler=_label)

    cn = sub.add_parser("credit-note", parents=[common], help="a refund's credit note as PDF")
    cn.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    cn.add_argument("--out", metavar="FILE.pdf", required=True, help="PDF to write")
    cn.set_defaults(handler=_credit_note)

    sh = sub.add_parser("show", parents=[common], help="a return: lines, units received, refund")
    sh.add_argument("rma", metavar="RMA", help="the RMA code, e.g. RMA-0000001")
    sh.add_argument("--json", action="store_true", help="print JSON")
    sh.set_defaults(handler=_show)


def _station(args: argparse.Namespace) -> int:
    from wms_terminal.headless.returns import ReturnsDriver

    if not args.headless:
        raise ValidationError("say what to do: open, show, or --headless (the returns station)")

    return run_driver(args, ReturnsDriver, "returns station")


def _open(args: argparse.Namespace) -> int:
    lines = [parse_line(raw) for raw in args.line]
    with signed_in(args) as (app, actor):
        done, replacement = authorise(
            app.db,
            actor,
            order=args.order,
            lines=lines,
            reason=args.reason,
            resolution=Resolution.EXCHANGE if args.exchange else Resolution.REFUND,
            note=args.note,
        )
    swap = {"order": replacement.order, "code": replacement.code} if replacement else None
    emit(
        args.json,
        {
            "rma": done.rma,
            "order": done.order,
            "replacement": swap,
            "return_tracking": done.return_tracking or None,
        },
        f"{done.rma}: return of {', '.join(f'{q} x {s}' for s, q in done.lines)} from {done.order}"
        + (f"; return tracking {done.return_tracking}" if done.return_tracking else ""),
    )
    return 0


def _refund(args: argparse.Namespace) -> int:
    from wms_terminal.returns.refund import issue_refund

    with signed_in(args) as (app, actor):
        done = issue_refund(app.db, actor, args.rma)
    emit(
        args.json,
        {
            "rma": done.rma,
            "credit_note": done.credit_note,
            "amount": str(done.amount),
            "currency": done.currency,
            "goods": str(done.goods),
            "shipping": str(done.shipping),
            "fees": str(done.fees),
        },
        f"{done.rma}: credit note {done.credit_note}, {done.amount} {done.currency} refunded",
    )
    return 0


def _exchange(args: argparse.Namespace) -> int:
    with signed_in(args) as (app, actor):
        done = issue_replacement(app.db, actor, args.rma)
    emit(
        args.json,
        {"rma": done.rma, "replacement": {"order": done.order, "code": done.code}},
        f"{done.rma}: replacement order {done.order} ({done.code})",
    )
    return 0


def _customer(args: argparse.Namespace) -> int:
    from wms_terminal.returns.history import customer_returns

    with bootstrap.connect(args.database) as app:
        got = customer_returns(app.db, args.who)

    def text() -> list[str]:
        head = [
            f"{got['customer']} <{got['email']}>: {len(got['orders'])} order(s), "
            f"{len(got['returns'])} return(s), {got['units_returned']} of "
            f"{got['units_shipped']} unit(s) back ({got['return_rate']:.1%}), lifetime value "
            f"{got['lifetime_value_eur']} EUR net of refunds"
        ]
        body = table(
            (
                (r["rma"], r["order"], r["status"], r["resolution"], r["reason"], r["received"],
                 r["credit_note"] or "", f"{r['refund']} {r['currency']}" if r["refund"] else "")
                for r in got["returns"]
            ),
            header=("RMA", "ORDER", "STATUS", "HOW", "REASON", "BACK", "CREDIT", "REFUND"),
            right=(5,),
            empty="no returns",
        )  # fmt: skip
        return [*head, *body]

    emit(args.json, got, text)
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from wms_terminal.returns.rma import cancel_return

    with signed_in(args) as (app, actor):
        number = cancel_return(app.db, actor, args.rma, note=args.note)
    print(f"{number}: cancelled")
    return 0


def _pdf_target(out: str) -> Path:
    target = Path(out)
    if target.suffix.lower() != ".pdf":
        raise ValidationError(f"--out must name a .pdf file, not {out!r}")
    if not target.parent.is_dir():
        raise ValidationError(f"no such directory: {target.parent}")
    return target


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"cannot write {target}: {exc.strerror or exc}") from None


def _label(args: argparse.Namespace) -> int:
    from wms_terminal.documents.return_label import return_label_pdf
    from wms_terminal.returns.rma import return_label

    target = _pdf_target(args.out)
    with bootstrap.connect(args.database) as app:
        label = return_label(app.db, args.rma)
    _write(target, return_label_pdf(label))
    print(f"{label.rma}: return label {target}")
    return 0


def _credit_note(args: argparse.Namespace) -> int:
    from wms_terminal.documents.credit_note import credit_note_pdf
    from wms_terminal.returns.refund import credit_note_document

    target = _pdf_target(args.out)
    with bootstrap.connect(args.database) as app:
        doc = credit_note_document(app.db, args.rma)
    _write(target, credit_note_pdf(doc))
    print(f"{doc.number}: {doc.amount} {doc.currency} for {doc.rma}; {target}")
    return 0


def _show(args: argparse.Namespace) -> int:
    with bootstrap.connect(args.database) as app:
        got = show_return(app.db, args.rma)

    def text() -> list[str]:
        head = [
            f"{got['rma']}  {got['status']}  order {got['order']}  {got['resolution']}  "
            f"reason {got['reason']}",
        ]
        if got["note"]:
            head.append(f"note: {cell(got['note'], limit=MAX_NOTE)}")
        body = table(
            ((x["sku"], x["qty"], x["received"], x["grade"] or "") for x in got["lines"]),
            header=("SKU", "QTY", "RECEIVED", "GRADE"),
            right=(1, 2),
        )
        money = f"refund {got['refund_total']} {got['currency']}"
        if got["credit_note"]:
            money += f"  credit note {got['credit_note']}"
        if got["replacement"]:
            r = got["replacement"]
            money = f"replacement order {r['order']} ({r['code']})"
        return [*head, *body, money]

    emit(args.json, got, text)
    return 0
