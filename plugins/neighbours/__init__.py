from .neighbours import *  # noqa: F403
