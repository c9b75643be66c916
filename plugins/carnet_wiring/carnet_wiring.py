"""Carnet's wiring, checked before anything is read: listed first in PLUGINS.

- Refuses a Pelican that carnet/pelican_private.py was not checked against: Carnet relies
  on a few of its private functions, which an upgrade may change.
- Checks PLUGINS against CARNET_PLUGINS (pelicanconf.py), where each plugin says what it
  needs from another and why: a plugin listed without what it needs, or before it, stops
  the build with one line naming both.
- Gives the build its one writer, carnet.writer.CarnetWriter (feeds, page reuse, pages
  rendered in two processes), and puts its `pages_rendered_at_end` around each
  generator's output: a page asked for is rendered before the next generator starts.
- Makes each generator's Jinja environment keep its compiled templates from one build to
  the next (carnet/template_cache.py), and the articles generator list each period
  archive's posts in one pass instead of Pelican's test of every post for every period
  (carnet.pelican_private.period_archives_in_one_pass).
- Ends, as a build starts, any child process an earlier build of this process left at work
  when it stopped half-way (carnet/forked.py; also done when the process exits).
- Has Pelican work out each post's path relative to the content folder once per path
  (carnet.pelican_private.relative_source_paths_once), not some ten times per post.
- Has Pelican hold each post's text once, in UTF-8, among others in blocks of memory
  (carnet/compact_texts.py): the peak some 28 MB lower at 5000 posts, as the texts take
  half the memory and the pages rendered by a second process no longer copy each text's
  first page of memory
  (carnet.pelican_private.texts_kept_compact, readers_cache_shares_texts).
- Has the articles and pages generators, which cache nothing themselves (Carnet caches
  what the readers make), answer from their empty cache without hashing each post twice
  a build (carnet.pelican_private.stamps_only_for_a_cache).
"""

import contextlib

from pelican import signals

from carnet import forked
from carnet.i18n import _
from carnet.pelican_private import (
    TESTED_PELICAN,
    around_generate_output,
    period_archives_in_one_pass,
    readers_cache_shares_texts,
    relative_source_paths_once,
    stamps_only_for_a_cache,
    texts_kept_compact,
    untested_pelican,
)
from carnet.template_cache import use_compiled_templates
from carnet.writer import CarnetWriter


class WiringError(Exception):
    """PLUGINS cannot work as listed, or Pelican is not a version Carnet was tested with."""


def problems(plugins, declared):
    """One line per need that `plugins` (PLUGINS, in order) does not meet. `declared`:
    CARNET_PLUGINS, [(plugin, {needed plugin: why}, optionally {plugin it comes after: why})]."""
    found = []
    plugins = [_short(plugin) for plugin in plugins]
    for entry in declared:
        name, needs, after = entry[0], entry[1], (entry[2] if len(entry) > 2 else {})
        name = _short(name)
        needs = {_short(needed): why for needed, why in needs.items()}
        after = {_short(earlier): why for earlier, why in after.items()}
        if name not in plugins:
            continue
        position = plugins.index(name)
        for needed, why in needs.items():
            if needed not in plugins:
                message = _("PLUGINS: {plugin} needs {needed}, which is not listed ({why})")
            elif plugins.index(needed) > position:
                message = _("PLUGINS: {plugin} needs {needed} listed before it ({why})")
            else:
                continue
            found.append(message.format(plugin=name, needed=needed, why=why))
        for earlier, why in after.items():
            if earlier in plugins and plugins.index(earlier) > position:
                message = _("PLUGINS: {plugin} must come after {needed} ({why})")
                found.append(message.format(plugin=name, needed=earlier, why=why))
    return found


def _short(name):
    """A plugin's last name: "pelican.plugins.yaml_metadata" is yaml_metadata."""
    return name.rsplit(".", 1)[-1]


def _names(settings):
    # PLUGINS may hold names or modules; Pelican accepts both.
    return [
        getattr(plugin, "__name__", plugin).rsplit(".", 1)[-1] for plugin in settings["PLUGINS"]
    ]


# Filters Carnet's theme uses that these plugins give the templates (at generator_init):
# without one, every page failed with Jinja's « No filter named … », blamed on a post.
THEME_NEEDS = {
    "french_typography": "typeset, plain_text",
    "french_dates": "date_long, date_short, month_year, iso_day",
    "summaries": "shorten",
}


def theme_problems(plugins):
    """One line per plugin the theme needs that `plugins` (PLUGINS' short names) lacks."""
    return [
        _(
            "PLUGINS: the theme needs {needed}, which is not listed (its templates use {filters})"
        ).format(needed=needed, filters=filters)
        for needed, filters in THEME_NEEDS.items()
        if needed not in plugins
    ]


def check(pelican_object):
    version = untested_pelican()
    if version:
        raise WiringError(
            _(
                "Pelican {version} is installed, but Carnet was tested with Pelican {tested}: "
                "install the version pinned in requirements.txt"
            ).format(version=version, tested=" or ".join(v + "x" for v in TESTED_PELICAN))
        )
    settings = pelican_object.settings
    names = _names(settings)
    found = problems(names, settings.get("CARNET_PLUGINS") or []) + theme_problems(names)
    if found:
        raise WiringError("\n".join(found))


def stop_children_of_an_unfinished_build(pelican_object):
    # A build of this process that stopped half-way may have left a child at work
    # (carnet/forked.py): it would hold a CPU and memory, and its result is not wanted.
    forked.stop_unfinished()


def carnet_writer(pelican_object):
    return CarnetWriter


def keep_compiled_templates(generator):
    use_compiled_templates(generator.env)


def render_pages_at_end_of_each_generator(generators):
    around_generate_output(generators, _pages_rendered_at_end)


def _pages_rendered_at_end(writer):
    if isinstance(writer, CarnetWriter):
        return writer.pages_rendered_at_end()
    return contextlib.nullcontext()


def register():
    relative_source_paths_once()
    texts_kept_compact()
    signals.initialized.connect(check)
    signals.initialized.connect(stop_children_of_an_unfinished_build)
    signals.get_writer.connect(carnet_writer)
    signals.generator_init.connect(keep_compiled_templates)
    signals.readers_init.connect(readers_cache_shares_texts)
    signals.article_generator_init.connect(period_archives_in_one_pass)
    signals.article_generator_init.connect(stamps_only_for_a_cache)
    signals.page_generator_init.connect(stamps_only_for_a_cache)
    signals.all_generators_finalized.connect(render_pages_at_end_of_each_generator)
