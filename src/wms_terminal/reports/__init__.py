"""Manager reports computed from the core's tables (no screen): each figure is computed once
here and shown by the desk, the command line (text, JSON, CSV) alike."""
