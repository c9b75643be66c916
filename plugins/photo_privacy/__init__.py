from .photo_privacy import *  # noqa: F403
