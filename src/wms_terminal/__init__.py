"""wms-terminal: warehouse-floor picking and packing terminal."""

__version__ = "0.1.0"
