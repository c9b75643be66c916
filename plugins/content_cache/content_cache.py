"""One content cache per configuration, so that no build serves what an old one produced.

Pelican's content cache (CACHE_CONTENT, LOAD_CONTENT_CACHE) checks each post's file and
nothing else. After a change of settings (a URL pattern, the Markdown extensions,
typography on or off), of a plugin or of Carnet's code (its typography included), or of Pelican or
Markdown, a warm build would reuse what the old configuration read (the cached tags and
categories even carry the old settings, URLs included). So this plugin moves the cache
into CACHE_PATH/<fingerprint>/, the fingerprint covering all of that: a new configuration
starts from an empty cache, going back to an old one finds its cache again, and the
development and production builds each keep their own. The few most recent are kept.

Each post goes into the cache under the stamp (hash) its file had before the build read
it, not after, as Pelican does: a post saved again while it was read (an editor saving as
the coach types, under livereload) is read again by the next build, instead of being
served as first read until its next edit (carnet.pelican_private.stamp_before_reading).

Templates are left out on purpose: the cache holds what the readers produced; plugin
page_reuse decides which pages to render again. (Jinja's compiled templates are kept
apart, for every build of the machine: carnet/template_cache.py.)
"""

import hashlib
import json
import logging
import marshal
import os
import re
import shutil
import sys
from importlib import metadata

from pelican import signals

from carnet.i18n import _
from carnet.pelican_private import save_cache_with_python_pickler, stamp_before_reading

logger = logging.getLogger(__name__)

# Caches kept: development, production, and a couple of recent experiments.
KEEP = 4
FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
# Each package and its module: the version of a module already imported is its __version__
# (asking the package's metadata reads the installed packages' files).
LIBRARIES = {
    "pelican": "pelican",
    "Markdown": "markdown",
    "babel": "babel",
    "Pygments": "pygments",
    "docutils": "docutils",
    "Jinja2": "jinja2",
}

# The hash of each code file the first time this process saw it: a long-running process
# (`invoke livereload`) keeps running the code it imported then, so that is what the
# fingerprint must describe, whatever the file holds now.
_code_seen = {}


def _stable(value):
    """The value as JSON-able data that is the same from one run to the next."""
    if isinstance(value, dict):
        return [
            [str(key), _stable(item)]
            for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))
        ]
    if isinstance(value, (list, tuple)):
        return [_stable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_stable(item), sort_keys=True) for item in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    code = getattr(value, "__code__", None)
    if code is not None:  # a function in the settings: its code, not its address
        return [getattr(value, "__qualname__", ""), hashlib.sha256(marshal.dumps(code)).hexdigest()]
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _code_folders(pelican_object):
    folders = {}
    import carnet

    for module in [carnet, *pelican_object.plugins]:
        path = getattr(module, "__file__", None)
        if path:
            folders[getattr(module, "__name__", str(module))] = os.path.dirname(path)
    return folders


def _code_fingerprint(pelican_object):
    digest = hashlib.sha256()
    for name, folder in sorted(_code_folders(pelican_object).items()):
        for directory, subfolders, files in os.walk(folder):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for file_name in sorted(f for f in files if f.endswith(".py")):
                path = os.path.join(directory, file_name)
                with open(path, "rb") as source:
                    now = hashlib.sha256(source.read()).hexdigest()
                seen = _code_seen.setdefault(path, now)
                if now != seen:
                    logger.warning(
                        "%s",
                        _(
                            "{path} changed since this process started: restart it to use "
                            "the new code"
                        ).format(path=path),
                    )
                digest.update(f"{name}/{os.path.relpath(path, folder)}:{seen}\n".encode())
    return digest.hexdigest()


def _library_versions():
    versions = {"python": sys.version}
    for name, module_name in LIBRARIES.items():
        version = getattr(sys.modules.get(module_name), "__version__", None)
        try:
            versions[name] = version if isinstance(version, str) else metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def fingerprint(pelican_object):
    settings = {k: v for k, v in pelican_object.settings.items() if k != "CACHE_PATH"}
    text = json.dumps(
        [_stable(settings), _code_fingerprint(pelican_object), _library_versions()],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _forget_old_caches(cache_root, current):
    caches = [
        os.path.join(cache_root, name)
        for name in os.listdir(cache_root)
        if FINGERPRINT.match(name) and name != current
    ]
    caches.sort(key=os.path.getmtime, reverse=True)
    for old in caches[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def use_cache_for_this_configuration(pelican_object):
    settings = pelican_object.settings
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    cache_root = settings["CACHE_PATH"]
    if FINGERPRINT.match(os.path.basename(cache_root)):  # these settings were used already
        cache_root = os.path.dirname(cache_root)
    current = fingerprint(pelican_object)
    folder = os.path.join(cache_root, current)
    os.makedirs(folder, exist_ok=True)
    os.utime(folder)  # most recently used
    _forget_old_caches(cache_root, current)
    settings["CACHE_PATH"] = folder


# --- The warnings of a post travel with it in the cache ---------------------------------
# A post read from the cache is not read again, so what its reading warned about (an
# unknown metadata key, a post with no text) would be said on a cold build only. Each
# read's warnings are kept with the post in the cache, and said again whenever the post
# comes from it.

WARNINGS_KEY = "carnet_cached_warnings"


class _ReadWarnings(logging.Handler):
    """Every warning logged while one post is read (attached for that read only)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        if record.levelno == logging.WARNING:
            self.messages.append(record.getMessage())


_read_warnings = _ReadWarnings()


def keep_warnings_with_posts(readers):
    get_cached_data = readers.get_cached_data
    cache_data = readers.cache_data

    def get_cached_data_and_listen(filename, default=None):
        found = get_cached_data(filename, default)
        if found is default or (isinstance(found, tuple) and found and found[0] is None):
            # Pelican reads the file next: listen from now until cache_data.
            _read_warnings.messages = []
            root = logging.getLogger()
            if _read_warnings not in root.handlers:
                root.addHandler(_read_warnings)
        return found

    def cache_data_with_warnings(filename, data):
        logging.getLogger().removeHandler(_read_warnings)
        content, metadata = data
        if _read_warnings.messages and isinstance(metadata, dict):
            # A copy: the post being built now has said its warnings already.
            metadata = {**metadata, WARNINGS_KEY: tuple(_read_warnings.messages)}
        _read_warnings.messages = []
        return cache_data(filename, (content, metadata))

    readers.get_cached_data = get_cached_data_and_listen
    readers.cache_data = cache_data_with_warnings


def replay_warnings(content):
    warnings = content.metadata.pop(WARNINGS_KEY, None)
    if warnings is None:
        return
    if hasattr(content, WARNINGS_KEY):
        delattr(content, WARNINGS_KEY)
    for message in warnings:
        logger.warning("%s", message)


def stop_listening(*_args):
    logging.getLogger().removeHandler(_read_warnings)


def register():
    signals.initialized.connect(use_cache_for_this_configuration)
    # Cold builds save the readers' cache without pickle's UTF-8 copies (memory).
    signals.readers_init.connect(save_cache_with_python_pickler)
    signals.readers_init.connect(keep_warnings_with_posts)
    # A post saved again while the build reads it is read again by the next build.
    signals.readers_init.connect(stamp_before_reading)
    signals.content_object_init.connect(replay_warnings)
    signals.all_generators_finalized.connect(stop_listening)
