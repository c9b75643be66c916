"""Carnet: the code around Pelican (build runner, deploy, newsletter pipeline)."""
