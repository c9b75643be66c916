from .site_menus import *  # noqa: F403
