"""Pelican's readers, extended by plugins (input checks, typography, word count): one chain.

A plugin adds its layer with add_layer() when it is registered; one readers_init handler,
wrap_readers, then wraps Pelican's reader classes with the layers in the order of PLUGINS
(CARNET_PLUGINS in pelicanconf.py), first listed innermost. The handler is connected by the
first add_layer(), so after the YAML plugin's (listed before the layers' plugins): it wraps
the Markdown reader that plugin installs.
"""

from dataclasses import dataclass

from pelican import signals

from carnet.pelican_private import markdown_made_when_read


@dataclass(frozen=True)
class Layer:
    make_subclass: object  # reader class -> a subclass of it
    applies: object  # settings -> whether this build uses the layer
    wraps_static: bool  # False: the reader of static files (images…) is left alone


_layers = {}  # plugin name, as in PLUGINS -> Layer


def add_layer(plugin, make_subclass, applies=None, wraps_static=True):
    """Plugin `plugin` (its name in PLUGINS) wraps each reader class with make_subclass."""
    _layers[plugin] = Layer(make_subclass, applies or (lambda settings: True), wraps_static)
    signals.readers_init.connect(wrap_readers)  # once: blinker keeps one connection


def wrap_readers(readers):
    # Innermost: 16 reader objects are made per build, few of which read anything.
    markdown_made_when_read(readers)
    for plugin in _plugin_names(readers.settings):
        layer = _layers.get(plugin)
        if layer is None or not layer.applies(readers.settings):
            continue
        static = None if layer.wraps_static else readers.reader_classes.pop("static", None)
        wrap_reader_classes(readers, layer.make_subclass)
        if static is not None:
            readers.reader_classes["static"] = static


def _plugin_names(settings):
    # PLUGINS may hold names or modules; Pelican accepts both.
    names = (getattr(plugin, "__name__", plugin) for plugin in settings.get("PLUGINS") or [])
    return [name.rsplit(".", 1)[-1] for name in names]


def wrap_reader_classes(readers, make_subclass):
    """Replace each enabled reader class of Pelican's Readers with make_subclass(class)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is not None:
            subclass = make_subclass(reader_class)
            # Pelican records a post's reader from the class name ("markdown").
            subclass.__name__ = reader_class.__name__
            readers.reader_classes[extension] = subclass
