"""The shift state machine (`tests/test_state_machine.py`) in parts: the base with its helpers
and the invariants checked after every step (`base`), the picking rules (`picking`), and the
rest of the floor: receiving, move tasks, counts, totes and order cancellation (`floor`)."""
