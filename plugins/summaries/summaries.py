"""Automatic summaries end after a sentence, or after a whole word with « … » attached
(carnet/summaries.py); a post's own Summary: is left as written."""

from carnet.pelican_private import use_boundary_summaries


def register():
    use_boundary_summaries()
