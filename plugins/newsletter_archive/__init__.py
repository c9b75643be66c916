from .newsletter_archive import *  # noqa: F403
