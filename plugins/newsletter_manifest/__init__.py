from .newsletter_manifest import *  # noqa: F403
