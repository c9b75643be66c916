"""Automatic summaries end after a sentence, or after a whole word with « … » attached
(carnet/summaries.py); a post's own Summary: is left as written. Templates get the filter
`shorten` (carnet.summaries.shortened: a description cut between words, nothing dangling
before « … »)."""

from pelican import signals

from carnet.pelican_private import use_boundary_summaries
from carnet.summaries import shortened


def add_filter(generator):
    generator.env.filters["shorten"] = shortened


def register():
    use_boundary_summaries()
    signals.generator_init.connect(add_filter)
