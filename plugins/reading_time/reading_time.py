"""`article.reading_time`: whole minutes to read the article (at least 1).

Counted from the article's words at CARNET_READING_SPEED words a minute (about 230 for
French prose read on a screen).
"""

import re

from pelican import signals
from pelican.contents import Article

from carnet.defaults import setting

TAG = re.compile(r"<[^>]*>")
WORD_CHARACTER = re.compile(r"\w")


def count_words(html):
    text = TAG.sub(" ", html or "")
    # French typography puts a no-break space before ? ! : ; — those are not words.
    # isalnum() answers for most tokens, faster than the regular expression.
    return sum(1 for token in text.split() if token.isalnum() or WORD_CHARACTER.search(token))


def reading_minutes(words, words_per_minute):
    return max(1, int(words / words_per_minute + 0.5))


def set_reading_time(content):
    if not isinstance(content, Article):
        return
    speed = setting(content.settings, "CARNET_READING_SPEED")
    content.reading_time = reading_minutes(count_words(content._content), speed)


def register():
    signals.content_object_init.connect(set_reading_time)
