from .reading_time import *  # noqa: F403
