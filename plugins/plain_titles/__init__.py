from .plain_titles import *  # noqa: F403
