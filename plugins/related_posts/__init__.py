from .related_posts import *  # noqa: F403
