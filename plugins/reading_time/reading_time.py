"""`article.reading_time`: whole minutes to read the article (at least 1).

Counted from the article's words at CARNET_READING_SPEED words a minute (about 230 for
French prose read on a screen). The words are counted when the post is read, into its
metadata (`word_count`), so that Pelican's content cache keeps the count with the text:
a warm build does not count the words of every post again.
"""

import re

from pelican import signals
from pelican.contents import Article

from carnet import readers
from carnet.defaults import setting
from carnet.pelican_private import html_before_links

TAG = re.compile(r"<[^>]*>")
# A word: a run of non-spaces holding a letter or a digit, matched from its first character
# only (so a long run of punctuation is read once).
WORD = re.compile(r"(?<!\S)[^\s\w]*+\w\S*+")


def count_words(html):
    text = TAG.sub(" ", html or "")
    # French typography puts a no-break space before ? ! : ; — those are not words.
    return sum(1 for _ in WORD.finditer(text))


def reading_minutes(words, words_per_minute):
    return max(1, int(words / words_per_minute + 0.5))


def counting_reader(reader_class):
    """A subclass of reader_class that adds `word_count` to the metadata it reads."""

    class CountingReader(reader_class):
        def read(self, source_path):
            content, metadata = super().read(source_path)
            metadata["word_count"] = count_words(content)
            return content, metadata

    return CountingReader


def set_reading_time(content):
    if not isinstance(content, Article):
        return
    words = getattr(content, "word_count", None)
    if words is None:  # read by a reader this plugin did not wrap
        words = count_words(html_before_links(content))
    speed = setting(content.settings, "CARNET_READING_SPEED")
    content.reading_time = reading_minutes(words, speed)


def register():
    # After plugin french_typography in PLUGINS: the words counted are the typeset text's.
    readers.add_layer("reading_time", counting_reader)
    signals.content_object_init.connect(set_reading_time)
