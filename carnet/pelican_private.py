"""Every use of Pelican's private API, in one place (a Pelican upgrade is checked here)."""

from pelican.log import LimitFilter


def forget_logged_warnings():
    """Let this build say again a warning an earlier build in this process said.

    Pelican's loggers drop a warning already logged once in the process (LimitFilter's
    class-level memory), so a second build in one process (`invoke livereload`, the
    tests) stayed silent about a post that still has the problem."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def use_boundary_summaries():
    """Pelican's automatic summaries (Content.get_summary calls the name
    pelican.contents.truncate_html_words) end at a sentence or word boundary with « … »
    attached: carnet.summaries.truncate. Pelican offers no setting or signal for it."""
    import pelican.contents

    from carnet.summaries import truncate

    pelican.contents.truncate_html_words = truncate


def html_before_links(content):
    """The HTML the reader produced for `content` (Content._content): `{static}` links
    still name the file they point to."""
    return content._content or ""
