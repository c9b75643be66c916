from .content_cache import *  # noqa: F403
