"""Carnet's benchmark: `invoke bench` (see bench/README.md)."""
