"""The theme's templates, compiled once per machine instead of once per build.

Jinja turns every template into Python code before its first use: about 0.1 s for the
theme's templates, in each build and each e-mail, and more in a small site's build than
rendering its pages. Jinja can keep that code in files (its bytecode cache), as Python
keeps a module's in __pycache__. Carnet keeps it in the user's cache folder
(`$XDG_CACHE_HOME/carnet/templates`, else `~/.cache/carnet/templates`), outside the
site: a cold build (no CACHE_PATH) still finds its templates compiled.

Jinja reuses a file only if the template's source is unchanged (it checks a hash of it)
and Jinja and Python are the same versions (its magic header). What else changes the
code it writes, the environment's options (autoescape, trim_blocks, extensions,
gettext's style...), is not in Jinja's key: it is in Carnet's (`_options`). A folder that
cannot be written only means the templates are compiled as before.
"""

import hashlib
import os

import jinja2
from jinja2.bccache import FileSystemBytecodeCache

from carnet.files import home_folder


def folder():
    """$XDG_CACHE_HOME/carnet/templates, else ~/.cache/carnet/templates; None when this user
    has no home. A variable that is empty or relative names no folder (as XDG says): an
    empty HOME (a cron job's, a service's) made ~ the root folder, and the cache /.cache."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = home_folder()
        if home is None:
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "carnet", "templates")


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache in files, keyed by the template and the environment's options."""

    def get_bucket(self, environment, name, filename, source):
        return super().get_bucket(environment, f"{name}|{_options(environment)}", filename, source)

    # A folder that cannot be read or written (a read-only home, a file in the way): the
    # template is compiled, as without this cache.
    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket):
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _options(environment):
    """A hash of what makes Jinja write different code for one template source: the
    environment's plain options, its extensions, its callables (autoescape, finalize) by
    name, and Jinja's version."""
    plain = (str, bool, int, float, tuple, type(None))
    options = sorted(
        (name, repr(value))
        for name, value in vars(environment).items()
        if isinstance(value, plain) and name != "shared"
    )
    options.append(("extensions", sorted(environment.extensions)))
    for name in ("autoescape", "finalize"):
        value = getattr(environment, name, None)
        if callable(value):
            options.append((name, f"{value.__module__}.{value.__qualname__}"))
    options.append(("jinja", jinja2.__version__))
    return hashlib.blake2b(repr(options).encode(), digest_size=16).hexdigest()


def use_compiled_templates(environment):
    """Make `environment` keep its compiled templates in the user's cache folder (if any)."""
    cache_folder = folder()
    if cache_folder:
        environment.bytecode_cache = CompiledTemplates(cache_folder)
