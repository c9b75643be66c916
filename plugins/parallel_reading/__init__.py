from .parallel_reading import *  # noqa: F403
