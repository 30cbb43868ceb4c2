"""SQLite: a wave is written in short transactions (parts), so terminals interleave."""

from __future__ import annotations

from sqlalchemy import text

from wms_terminal.picking import wave_release

from .conftest import Floor
from .helpers import rows, scalar


def test_a_wave_written_in_parts_is_one_whole_wave(floor: Floor, monkeypatch) -> None:
    numbers = [floor.order([(n % 4 + 1, 1), ((n + 1) % 4 + 1, 1)]) for n in range(6)]
    monkeypatch.setattr(wave_release, "WRITE_CHUNK_PICKS", 2)  # SQLite: one order per part
    monkeypatch.setattr(wave_release, "CHUNK_PAUSE_S", 0)
    commits: list[int] = []
    real_write = wave_release._write

    def counted(*args, **kwargs):
        commits.append(1)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(wave_release, "_write", counted)
    wave = floor.release()
    assert (wave.orders, wave.picks, wave.skipped_orders) == (6, 12, 0)
    assert len(commits) == (6 if floor.db.dialect == "sqlite" else 1)
    assert scalar(floor.db, "SELECT count(*) FROM wave") == 1
    assert scalar(floor.db, "SELECT count(*) FROM pick_task") == 12
    assert {s for (s,) in rows(floor.db, "SELECT status FROM sales_order")} == {"released"}
    assert len(wave.pick_list_ids) == scalar(floor.db, "SELECT count(*) FROM pick_list")
    assert scalar(floor.db, "SELECT count(*) FROM audit_log WHERE action = 'wave_released'") == 1
    assert all(n for n in numbers)


def test_a_part_whose_orders_changed_meanwhile_is_left_out(floor: Floor, monkeypatch) -> None:
    for n in range(4):
        floor.order([(n + 1, 1)])
    monkeypatch.setattr(wave_release, "WRITE_CHUNK_PICKS", 1)
    monkeypatch.setattr(wave_release, "CHUNK_PAUSE_S", 0.001)
    last = rows(floor.db, "SELECT id FROM sales_order ORDER BY id DESC")[0][0]

    def another_terminal(_s: float) -> None:
        # Between two parts, someone else takes the last order.
        with floor.db.transaction() as s:
            s.execute(text("UPDATE sales_order SET status = 'released' WHERE id = :i"), {"i": last})

    monkeypatch.setattr(wave_release, "_pause", another_terminal)
    wave = floor.release()
    if floor.db.dialect == "sqlite":
        assert (wave.orders, wave.skipped_orders) == (3, 1)
        assert scalar(floor.db, "SELECT count(*) FROM pick_task WHERE order_id = :o", o=last) == 0
        assert (
            scalar(floor.db, "SELECT count(*) FROM audit_log WHERE action = 'wave_release_skipped'")
            == 1
        )
    else:  # one transaction on PostgreSQL: no pause, nothing to leave out
        assert (wave.orders, wave.skipped_orders) == (4, 0)
