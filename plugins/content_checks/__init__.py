from .content_checks import *  # noqa: F403
