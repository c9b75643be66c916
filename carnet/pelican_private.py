"""Every use Carnet makes of Pelican's private API, and nothing else."""


def use_boundary_summaries():
    """Pelican's automatic summaries (Content.get_summary calls the name
    pelican.contents.truncate_html_words) end at a sentence or word boundary with « … »
    attached: carnet.summaries.truncate. Pelican offers no setting or signal for it."""
    import pelican.contents

    from carnet.summaries import truncate

    pelican.contents.truncate_html_words = truncate
