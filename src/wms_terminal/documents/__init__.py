"""Rendering only: frozen data in, document bytes out. No database, no Textual."""
