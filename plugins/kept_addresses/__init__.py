from .kept_addresses import *  # noqa: F403
