"""The search index: Pagefind run over the built site, offline, in French.

Pagefind (the binary shipped in the pagefind_bin wheel) reads every HTML page of the
output and writes output/pagefind/: the index and the small scripts the search page loads
when the reader uses it. The language is forced (CARNET_SEARCH_LANGUAGE, "fr") so that
French stemming applies everywhere: « clientes » finds « cliente ».
"""

import json
import os
import subprocess

from carnet.defaults import setting


class SearchIndexFailed(Exception):
    pass


def pagefind_command():
    from pagefind_bin import get_executable

    return [str(get_executable())]


def build_index(output_path, settings=None):
    """Index output_path into output_path/pagefind/; return the number of pages indexed."""
    language = setting(settings or {}, "CARNET_SEARCH_LANGUAGE")
    if not os.path.isdir(output_path):
        raise SearchIndexFailed(f"nothing to index: {output_path} does not exist")
    try:
        command = pagefind_command()
    except (ImportError, FileNotFoundError):
        raise SearchIndexFailed("Pagefind is not installed (pip install 'pagefind[bin]')") from None
    command += ["--site", output_path, "--force-language", language, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise SearchIndexFailed("Pagefind did not finish in 10 minutes") from None
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or f"exit code {done.returncode}"
        raise SearchIndexFailed(f"Pagefind failed: {reason}")
    entry = os.path.join(output_path, "pagefind", "pagefind-entry.json")
    if not os.path.exists(entry):
        raise SearchIndexFailed("Pagefind ran but wrote no pagefind/pagefind-entry.json")
    with open(entry, encoding="utf-8") as file:
        languages = json.load(file)["languages"]
    return sum(language["page_count"] for language in languages.values())
