"""The newsletter's one exception type: its message is one line naming the post or file."""


class NewsletterError(Exception):
    """The newsletter stopped; nothing more was sent. str(error) says what and where."""
