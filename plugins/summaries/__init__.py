from .summaries import *  # noqa: F403
