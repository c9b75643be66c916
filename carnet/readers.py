"""Pelican's readers, extended by plugins (typography, input checks)."""


def wrap_reader_classes(readers, make_subclass):
    """Replace each enabled reader class of Pelican's Readers with make_subclass(class)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is not None:
            subclass = make_subclass(reader_class)
            # Pelican records a post's reader from the class name ("markdown").
            subclass.__name__ = reader_class.__name__
            readers.reader_classes[extension] = subclass
