from .french_typography import *  # noqa: F403
