from .french_dates import *  # noqa: F403
