from .settings_check import *  # noqa: F403
