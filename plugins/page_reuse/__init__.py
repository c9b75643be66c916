from .page_reuse import *  # noqa: F403
