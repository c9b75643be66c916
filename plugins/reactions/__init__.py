from .reactions import *  # noqa: F403
