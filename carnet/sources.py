"""How Carnet names a file to the coach: its path from the project folder, with `/`.

The project folder is the one holding the content folder (PATH), so a post is named
`content/posts/x.md`, the path the coach opens it by.
"""

import os

# The lists of posts and pages Pelican's article and page generators keep.
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def project_folder(settings):
    return os.path.dirname(os.path.abspath(settings["PATH"]))


def source_name(settings, path):
    """`path` (absolute, or relative to the content folder) as the coach would find it."""
    absolute = os.path.join(os.path.abspath(settings["PATH"]), path)
    return os.path.relpath(absolute, project_folder(settings)).replace(os.sep, "/")
