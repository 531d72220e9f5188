"""Application hooks: the process has started, the process is about to stop."""

from __future__ import annotations

from repetend.hooks.markers import hookspec


@hookspec
def app_did_start(host: object) -> None:
    """The application has started and every plugin is registered.

    A notification: use it to start background work or read the add-on's own settings.
    Nothing the implementation returns is used.

    :param host: the running application. It is typed as `object` until the application
        shell exists; do not rely on its attributes yet.

    When it is called: once per process, after the built-in plugins and add-ons are
    registered.
    """


@hookspec
def app_will_stop(host: object) -> None:
    """The application is about to stop.

    A notification: stop background work and write what must survive a restart. The
    collection may already be closed (see `collection_will_close` for work that needs it).

    :param host: the running application, as in `app_did_start`.

    When it is called: once per process, on a normal exit; not after a crash.
    """
