"""The newsletter: e-mail each new post once, after the production build and the deploy.

select (manifest + ledger -> new posts) -> render (post -> Email) -> deliver (a provider:
Mailchimp, or the outbox) -> record (ledger). The pipeline is carnet/newsletter/pipeline.py.

The build uses two modules of this package: manifest (plugin newsletter_manifest writes
it) and ledger (plugin newsletter_archive reads it). So this file imports nothing else:
`newsletter.run`, `.check_before_deploy`, `.status`, `.preview`, `.send_test` load the sending code (pipeline,
lock, providers, select) when they are first used, never during a build.
"""

from carnet.newsletter.errors import NewsletterError

__all__ = [
    "NewsletterError",
    "Status",
    "check_before_deploy",
    "preview",
    "run",
    "send_test",
    "status",
]

_PIPELINE = {"Status", "check_before_deploy", "preview", "run", "send_test", "status"}


def __getattr__(name):
    if name in _PIPELINE:
        from carnet.newsletter import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
