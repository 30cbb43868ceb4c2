"""Headless drivers: the floor's flows driven by lines on stdin, answered with JSON lines on
stdout (`wms-terminal pick --headless`). They drive the same flow objects as the screens
(`signin.SignInFlow`, `picking.flow.PickFlow`); the protocol is documented in docs/headless.md."""
