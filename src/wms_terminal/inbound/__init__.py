"""Scan flows that bring stock in and along: receiving a purchase order (`ReceiveFlow`) and the
move tasks that take it to the shelves or top up pick faces (`MoveFlow`).

Plain objects like the pick flow: a screen, the headless driver or a test feeds them scans (the
scanning layer's `Scan`, or a plain string) and renders the frozen view each call returns. The
scanning layer classifies every scan; the core services do the work, one transaction per action.
"""
