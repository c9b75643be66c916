"""Whether a build writes feeds (production builds do, development builds do not)."""


def writes_feeds(settings):
    """True when any of Pelican's *_ATOM or *_RSS feed settings names a file."""
    return any(
        value
        for name, value in settings.items()
        if "FEED" in name and name.endswith(("_ATOM", "_RSS"))
    )
