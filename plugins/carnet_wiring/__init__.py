from .carnet_wiring import *  # noqa: F403
