"""The core and the flows stay usable without a screen: nothing of Textual is imported."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_flows_import_without_textual() -> None:
    code = (
        "import sys\n"
        "import wms_terminal.core, wms_terminal.core.models, wms_terminal.core.intake\n"
        "import wms_terminal.picking, wms_terminal.packing, wms_terminal.scanning\n"
        "import wms_terminal.inbound, wms_terminal.signin, wms_terminal.headless\n"
        "import pkgutil, importlib\n"
        "for pkg in (wms_terminal.picking, wms_terminal.packing, wms_terminal.scanning,\n"
        "            wms_terminal.inbound, wms_terminal.headless):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual was imported: {out.stdout.strip()[:200]}"
