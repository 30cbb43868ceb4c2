"""pick hot path: claim and reservation indexes; one-round-trip confirm on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00

- `ix_pick_list_claim` (warehouse_id, status, priority DESC, id): the claim's
  `ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED` reads the first open list of the
  warehouse from the index instead of sorting every open list (3.8 ms -> 0.07 ms at 10,000 open).
- `ix_reservation_order_status` (order_id, status): open reservations of an order.
- PostgreSQL only: `wms_confirm_pick(...)`, the confirm-a-pick lean path of
  `wms_terminal.picking.service.confirm_pick` (no tote, location or item scanned with it) as one
  statement, hence one round trip and one transaction (a tote scanned with it is resolved
  and bound as `resolve_tote` does; a replenishment task is created as `replenish_if_low` does). It either does everything the Python path
  does (scan record stored, task, order, reservation, ledger line, order line, list/order finished)
  or raises and changes nothing: SQLSTATE WM001 with the refusal code as message (no_task,
  list_closed, not_your_list, task_closed, bad_qty, no_reservation, reservation, stock,
  line_done, wrong_tote, tote_other_wh, tote_full, tote_busy), WM002 when the Python path must
  run (a scan id seen before). The caller then runs the Python path, which stores the same refusal.
  The hot stock row is updated last, so its lock is held for the fewest statements.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CONFIRM_PICK = r"""
CREATE OR REPLACE FUNCTION wms_confirm_pick(
    p_scan varchar, p_task integer, p_qty integer, p_user integer, p_terminal varchar,
    p_raw varchar, p_msg_picked varchar, p_msg_done varchar, p_width integer,
    p_now timestamptz, p_tote varchar, p_tote_wh varchar, p_msg_replenish varchar
) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
    c record;
    v_order_status varchar;
    v_status varchar;
    r record;
    v_on_hand integer;
    v_open_order bigint;
    v_open_list bigint;
    v_picked bigint;
    v_list_done boolean := false;
    v_msg text;
    v_line text;
    v_outcome text;
    v_tote_id integer;
    v_in_use integer;
    v_cand integer;
    v_tote record;
    v_wh_code varchar;
    v_reserve record;
    v_target integer;
    v_replenish varchar;
BEGIN
    IF EXISTS (SELECT 1 FROM scan_record WHERE scan_id = p_scan) THEN
        RAISE EXCEPTION 'replay' USING ERRCODE = 'WM002';
    END IF;
    SELECT pt.pick_list_id, pt.warehouse_id, pt.order_id, pt.order_line_id, pt.reservation_id,
           pt.product_id, pt.location_id, pt.qty, pt.qty_picked, pt.status AS task_status,
           pl.status AS list_status, pl.claimed_by, p.sku, l.kind, l.min_qty, l.max_qty,
           l.code AS location_code, COALESCE(pt.tote_slot, 1) AS slot
      INTO c
      FROM pick_task pt JOIN pick_list pl ON pl.id = pt.pick_list_id
      JOIN location l ON l.id = pt.location_id JOIN product p ON p.id = pt.product_id
     WHERE pt.id = p_task;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no_task' USING ERRCODE = 'WM001';
    END IF;
    IF c.list_status <> 'claimed' THEN
        RAISE EXCEPTION 'list_closed' USING ERRCODE = 'WM001';
    END IF;
    IF c.claimed_by IS DISTINCT FROM p_user THEN
        RAISE EXCEPTION 'not_your_list' USING ERRCODE = 'WM001';
    END IF;
    IF c.task_status <> 'open' THEN
        RAISE EXCEPTION 'task_closed' USING ERRCODE = 'WM001';
    END IF;
    IF p_qty IS NULL OR p_qty < 1 OR p_qty > c.qty - c.qty_picked THEN
        RAISE EXCEPTION 'bad_qty' USING ERRCODE = 'WM001';
    END IF;

    -- The tote in use for the task's slot (as `confirm_path._CONFIRM_CTX`): the in-use tote bound
    -- to this list that took the slot's latest pick. Checked by primary key, task by task:
    -- a join let the planner scan every in-use tote of the warehouse by status.
    FOR v_cand IN
        SELECT o.tote_id FROM pick_task o
         WHERE o.pick_list_id = c.pick_list_id AND o.tote_id IS NOT NULL
           AND COALESCE(o.tote_slot, 1) = c.slot
         ORDER BY o.picked_at DESC
    LOOP
        PERFORM 1 FROM tote WHERE id = v_cand AND status = 'in_use'
                              AND pick_list_id = c.pick_list_id;
        IF FOUND THEN
            v_in_use := v_cand;
            EXIT;
        END IF;
    END LOOP;

    -- The tote scanned with the pick (resolve_tote): the one in use for the slot, or a free one
    -- bound now (created when unknown). The caller checked the label's form (TOTE_RE).
    v_tote_id := v_in_use;
    IF p_tote IS NOT NULL THEN
        IF v_in_use IS NOT NULL THEN
            IF (SELECT code FROM tote WHERE id = v_in_use) <> p_tote THEN
                RAISE EXCEPTION 'wrong_tote' USING ERRCODE = 'WM001';
            END IF;
        ELSE
            SELECT code INTO v_wh_code FROM warehouse WHERE id = c.warehouse_id;
            IF p_tote_wh IS DISTINCT FROM v_wh_code THEN
                RAISE EXCEPTION 'tote_other_wh' USING ERRCODE = 'WM001';
            END IF;
            SELECT id, status, pick_list_id INTO v_tote FROM tote WHERE code = p_tote;
            IF NOT FOUND THEN
                INSERT INTO tote (warehouse_id, code, status, pick_list_id)
                VALUES (c.warehouse_id, p_tote, 'free', NULL)
                RETURNING id, status, pick_list_id INTO v_tote;
            END IF;
            IF v_tote.status = 'full' THEN
                RAISE EXCEPTION 'tote_full' USING ERRCODE = 'WM001';
            END IF;
            IF v_tote.status <> 'free' AND v_tote.pick_list_id IS DISTINCT FROM c.pick_list_id THEN
                RAISE EXCEPTION 'tote_busy' USING ERRCODE = 'WM001';
            END IF;
            IF v_tote.status <> 'free' THEN
                RAISE EXCEPTION 'wrong_tote' USING ERRCODE = 'WM001';
            END IF;
            UPDATE tote SET status = 'in_use', pick_list_id = c.pick_list_id
             WHERE id = v_tote.id AND status = 'free' RETURNING id INTO v_tote_id;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'tote_busy' USING ERRCODE = 'WM001';
            END IF;
        END IF;
    END IF;

    UPDATE sales_order SET
        updated_at = CASE WHEN status = 'released' THEN p_now ELSE updated_at END,
        status = CASE WHEN status = 'released' THEN 'picking' ELSE status END
     WHERE id = c.order_id RETURNING status INTO v_order_status;

    UPDATE pick_task SET qty_picked = qty_picked + p_qty,
        status = CASE WHEN qty_picked + p_qty = qty THEN 'picked' ELSE status END,
        picked_by = p_user, picked_at = p_now, tote_id = COALESCE(v_tote_id, tote_id)
     WHERE id = p_task AND status = 'open' AND qty_picked + p_qty <= qty
     RETURNING status INTO v_status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'task_closed' USING ERRCODE = 'WM001';
    END IF;
    IF c.reservation_id IS NULL THEN
        RAISE EXCEPTION 'no_reservation' USING ERRCODE = 'WM001';
    END IF;

    UPDATE reservation SET qty = qty - p_qty,
        status = CASE WHEN qty - p_qty = 0 THEN 'picked' ELSE status END
     WHERE id = c.reservation_id AND qty >= p_qty AND p_qty > 0
     RETURNING stock_id, warehouse_id, product_id, location_id, order_id INTO r;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'reservation' USING ERRCODE = 'WM001';
    END IF;

    INSERT INTO stock_ledger (warehouse_id, product_id, location_id, kind, on_hand_delta,
        reserved_delta, order_id, user_id, terminal, scan_id, reason, created_at)
    VALUES (r.warehouse_id, r.product_id, r.location_id, 'pick', -p_qty, -p_qty, r.order_id,
        p_user, p_terminal, p_scan, '', p_now);

    UPDATE order_line SET qty_picked = qty_picked + p_qty
     WHERE id = c.order_line_id AND qty_picked + p_qty <= qty;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'line_done' USING ERRCODE = 'WM001';
    END IF;

    IF v_status <> 'open' THEN
        SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0)
          INTO v_open_order FROM pick_task WHERE order_id = c.order_id;
        SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0)
          INTO v_open_list FROM pick_task WHERE pick_list_id = c.pick_list_id;
        IF v_open_order = 0 AND v_order_status = 'picking' THEN
            SELECT COALESCE(SUM(qty_picked), 0) INTO v_picked
              FROM order_line WHERE order_id = c.order_id;
            v_order_status := CASE WHEN v_picked > 0 THEN 'picked' ELSE 'backordered' END;
            UPDATE sales_order SET status = v_order_status, updated_at = p_now
             WHERE id = c.order_id AND status = 'picking';
        END IF;
        IF v_open_list = 0 THEN
            UPDATE pick_list SET status = 'done', finished_at = p_now
             WHERE id = c.pick_list_id AND status = 'claimed';
            IF NOT FOUND THEN
                RAISE EXCEPTION 'list_closed' USING ERRCODE = 'WM001';
            END IF;
            v_list_done := true;
        END IF;
    END IF;

    -- The hot row last: its lock is held only for the rest of this statement and the commit.
    UPDATE stock SET on_hand = on_hand - p_qty, reserved = reserved - p_qty
     WHERE id = r.stock_id AND reserved >= p_qty AND on_hand >= p_qty
     RETURNING on_hand INTO v_on_hand;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'stock' USING ERRCODE = 'WM001';
    END IF;
    -- Replenishment (replenish_if_low): a pick face below its minimum with no open task gets
    -- one from the reserve location holding most free units of the product.
    IF c.kind = 'pick_face' AND c.min_qty > 0 AND v_on_hand < c.min_qty
       AND NOT EXISTS (SELECT 1 FROM replenishment_task WHERE to_location_id = c.location_id
                       AND product_id = c.product_id AND status = 'open') THEN
        SELECT s.location_id, s.on_hand - s.reserved AS free INTO v_reserve
          FROM stock s JOIN location l ON l.id = s.location_id
         WHERE s.product_id = c.product_id AND s.warehouse_id = c.warehouse_id
           AND l.kind = 'reserve' AND l.active AND s.on_hand > s.reserved
         ORDER BY s.on_hand - s.reserved DESC, s.location_id LIMIT 1;
        IF FOUND THEN
            v_target := GREATEST(c.max_qty, c.min_qty) - v_on_hand;
            INSERT INTO replenishment_task (warehouse_id, product_id, from_location_id,
                to_location_id, qty, status, created_at)
            VALUES (c.warehouse_id, c.product_id, v_reserve.location_id, c.location_id,
                LEAST(v_reserve.free, GREATEST(v_target, 1)), 'open', p_now);
            v_replenish := c.location_code;
        END IF;
    END IF;

    v_msg := replace(replace(p_msg_picked, '{qty}', p_qty::text), '{sku}', c.sku);
    IF char_length(v_msg) > p_width THEN
        v_msg := left(v_msg, p_width - 1) || '…';
    END IF;
    IF v_replenish IS NOT NULL THEN
        v_line := replace(p_msg_replenish, '{location}', v_replenish);
        IF char_length(v_line) > p_width THEN
            v_line := left(v_line, p_width - 1) || '…';
        END IF;
        v_msg := v_msg || E'\n' || v_line;
    END IF;
    IF v_list_done THEN
        v_line := replace(p_msg_done, '{list}', c.pick_list_id::text);
        IF char_length(v_line) > p_width THEN
            v_line := left(v_line, p_width - 1) || '…';
        END IF;
        v_msg := v_msg || E'\n' || v_line;
    END IF;
    v_outcome := json_build_object(
        'code', 'picked', 'message', v_msg,
        'data', json_build_object(
            'task_id', p_task, 'qty', p_qty, 'task_status', v_status,
            'order_status', v_order_status, 'list_done', v_list_done))::jsonb;
    IF v_replenish IS NOT NULL THEN
        v_outcome := jsonb_set(v_outcome::jsonb, '{data,replenishment}', to_jsonb(v_replenish));
    END IF;
    INSERT INTO scan_record (scan_id, warehouse_id, user_id, terminal, action, raw, accepted,
        outcome, created_at)
    VALUES (p_scan, c.warehouse_id, p_user, p_terminal, 'pick_confirm', p_raw, true,
        v_outcome::json, p_now);
    RETURN v_outcome;
END
$fn$
"""


def upgrade() -> None:
    # Raw DDL: `priority DESC` in the index itself, on both backends.
    op.execute(
        "CREATE INDEX ix_pick_list_claim ON pick_list (warehouse_id, status, priority DESC, id)"
    )
    op.execute("CREATE INDEX ix_reservation_order_status ON reservation (order_id, status)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CONFIRM_PICK)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS wms_confirm_pick(varchar, integer, integer, integer, "
            "varchar, varchar, varchar, varchar, integer, timestamptz, varchar, varchar, varchar)"
        )
    op.execute("DROP INDEX IF EXISTS ix_reservation_order_status")
    op.execute("DROP INDEX IF EXISTS ix_pick_list_claim")
