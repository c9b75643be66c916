"""Where the newsletter's files are. Relative settings are relative to the project folder."""

import os

from carnet.defaults import setting


def project_folder(settings):
    # Pelican has made PATH (the content folder) absolute; the project folder holds it.
    return os.path.dirname(os.path.abspath(settings["PATH"]))


def project_path(settings, name):
    """The absolute path that the setting `name` (a file or folder) stands for."""
    value = setting(settings, name)
    return value if os.path.isabs(value) else os.path.join(project_folder(settings), value)


def lock_path(settings):
    return os.path.join(project_folder(settings), ".carnet", "newsletter.lock")


def sending_path(settings):
    """The post a run is sending, written before its delivery (pipeline.py)."""
    return os.path.join(project_folder(settings), ".carnet", "newsletter-sending.json")
