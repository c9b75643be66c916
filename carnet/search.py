"""The search index: Pagefind run over the built site, offline, in French.

Pagefind (the binary shipped in the pagefind_bin wheel) reads the article pages of the
output and writes output/pagefind/: the index and the small scripts the search page loads
when the reader uses it. The language is forced (CARNET_SEARCH_LANGUAGE, "fr") so that
French stemming applies everywhere: « clientes » finds « cliente ».
"""

import json
import os
import re
import subprocess

from carnet.defaults import setting
from carnet.i18n import _


class SearchIndexFailed(Exception):
    pass


def pagefind_command():
    from pagefind_bin import get_executable

    return [str(get_executable())]


def article_glob(settings):
    """The Pagefind glob matching the article pages, from ARTICLE_SAVE_AS (and its
    translations' ARTICLE_LANG_SAVE_AS); None without them: the whole site.

    Only articles carry data-pagefind-body, so Pagefind would index nothing else anyway,
    but it reads and parses every page to find out: listing, tag, category and archive
    pages are 45 % of the files. Each {field} becomes "*", which does not cross "/" in
    Pagefind's globs: one "*" per path segment the field spans ({date:%Y/%m} is two).
    """
    patterns = [settings.get(name) for name in ("ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS")]
    globs = [
        re.sub(r"\{[^}]*\}", lambda field: "/".join("*" for _ in field[0].split("/")), pattern)
        for pattern in patterns
        if pattern
    ]
    return "{" + ",".join(globs) + "}" if globs else None


def build_index(output_path, settings=None):
    """Index output_path into output_path/pagefind/; return the number of pages indexed."""
    settings = settings or {}
    language = setting(settings, "CARNET_SEARCH_LANGUAGE")
    if not os.path.isdir(output_path):
        raise SearchIndexFailed(
            _("nothing to index: {path} does not exist").format(path=output_path)
        )
    try:
        command = pagefind_command()
    except (ImportError, FileNotFoundError):
        raise SearchIndexFailed(
            _("Pagefind is not installed (pip install 'pagefind[bin]')")
        ) from None
    command += ["--site", output_path, "--force-language", language, "--quiet"]
    glob = article_glob(settings)
    if glob:
        command += ["--glob", glob]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise SearchIndexFailed(_("Pagefind did not finish in 10 minutes")) from None
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or _("exit code {code}").format(
            code=done.returncode
        )
        raise SearchIndexFailed(_("Pagefind failed: {reason}").format(reason=reason))
    entry = os.path.join(output_path, "pagefind", "pagefind-entry.json")
    if not os.path.exists(entry):
        raise SearchIndexFailed(_("Pagefind ran but wrote no pagefind/pagefind-entry.json"))
    with open(entry, encoding="utf-8") as file:
        languages = json.load(file)["languages"]
    return sum(language["page_count"] for language in languages.values())
