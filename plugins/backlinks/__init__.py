from .backlinks import *  # noqa: F403
