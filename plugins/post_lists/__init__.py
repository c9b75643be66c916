from .post_lists import *  # noqa: F403
