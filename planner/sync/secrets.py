"""The CalDAV password: `HIPPLAN_CALDAV_PASSWORD`, else the system keyring, else the caller
prompts. Never from the command line, the database, the settings file or a log.

keyring is imported only when it is needed: on some desktops its backends talk to D-Bus.
Anything a keyring backend raises means "no keyring here", never a failed sync.
"""

from __future__ import annotations

from typing import Literal

from planner import settings

ENV_VAR = "HIPPLAN_CALDAV_PASSWORD"
SERVICE = "hipplan"

Source = Literal["environment", "keyring", "prompt"]


def account(url: str, user: str) -> str:
    """The keyring entry's user name: one password per user and server."""
    return f"{user}@{url}"


def stored_password(url: str, user: str) -> tuple[str, Source] | None:
    """The password from the environment or the keyring, and where it came from."""
    env = settings.caldav_password()
    if env:
        return env, "environment"
    try:
        import keyring

        found = keyring.get_password(SERVICE, account(url, user))
    except Exception:  # no backend, a locked or broken one: fall through to the prompt
        return None
    return (found, "keyring") if found else None


def keyring_available() -> bool:
    """Whether a real keyring backend exists (not the one that only fails)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        return False
    return not isinstance(backend, fail.Keyring) and float(getattr(backend, "priority", 0)) > 0


def store_password(url: str, user: str, password: str) -> bool:
    """Keep the password in the keyring; False when the keyring would not take it."""
    try:
        import keyring

        keyring.set_password(SERVICE, account(url, user), password)
    except Exception:
        return False
    return True
