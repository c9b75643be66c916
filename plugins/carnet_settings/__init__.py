from .carnet_settings import *  # noqa: F403
