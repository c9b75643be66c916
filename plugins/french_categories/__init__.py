from .french_categories import *  # noqa: F403
