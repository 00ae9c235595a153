"""The hub's password: never in the settings file, never on screen, never in a log.

A hub address typed with its password (``postgresql://coach:secret@host/db``) is split:
the address without the password is what coachtui keeps (settings) and shows; the
password goes to the platform's keyring (macOS Keychain, Windows Credential Locker,
the Secret Service on Linux desktops), through the optional ``keyring`` package
(``pip install -e '.[keyring]'`` in coachtui's source folder). Where there is no
keyring, the password is used for the sync it was typed for and not kept:
PostgreSQL's own password file (``~/.pgpass``, or the file named by ``PGPASSFILE``)
then supplies it, as for any PostgreSQL program, when the address has none.

Nothing here imports ``keyring`` before it is needed, and every keyring failure (no
backend, a locked or broken one) just means "not kept" / "not found".
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

KEYRING_SERVICE = "coachtui hub"
MASK = "***"


class HubAddressError(ValueError):
    """A hub address that cannot be read; the message is one line without the password."""


@dataclass(frozen=True, slots=True)
class HubAddress:
    """A hub: ``url`` without any password (safe to keep and show), and the password
    given with it, if any."""

    url: str
    password: str | None = field(default=None, repr=False)

    def connect_url(self, password: str | None) -> str:
        """The address to connect with: ``url`` with ``password`` (quoted) put back."""
        if not password or not is_server_url(self.url):
            return self.url
        parts = urllib.parse.urlsplit(self.url)
        user, _, host = parts.netloc.rpartition("@")
        netloc = f"{user}:{urllib.parse.quote(password, safe='')}@{host}"
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    def hide_in(self, text: str) -> str:
        """``text`` (an error message, say) with the password masked wherever it appears."""
        return hide_password(text, self.password)


def is_server_url(value: str) -> bool:
    return value.strip().lower().startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def parse_hub(value: str) -> HubAddress:
    """Split a hub address into the address without password and the password (from
    ``user:password@`` or a ``password=`` parameter). A file path is returned as it is.
    Raises :class:`HubAddressError` for an address with an unreadable port or host."""
    address = split_hub(value)
    if not is_server_url(address.url):
        return address
    clean = urllib.parse.urlsplit(address.url)
    try:
        clean.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        raise HubAddressError(f"the address {address.url} has a port that is not a number") from None
    if not clean.hostname:
        raise HubAddressError(f"the address {address.url} names no server")
    return address


def split_hub(value: str) -> HubAddress:
    """:func:`parse_hub` without its checks: never raises."""
    value = value.strip()
    if not is_server_url(value):
        return HubAddress(value)
    parts = urllib.parse.urlsplit(value)
    password = None
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, secret = userinfo.partition(":")
        if colon:
            password = urllib.parse.unquote(secret)
        netloc = f"{user}@{host}" if user else host
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if k.lower() != "password"]
    if len(kept) != len(query):
        password = password or next(v for k, v in query if k.lower() == "password")
    return HubAddress(
        urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=urllib.parse.urlencode(kept))), password or None
    )


def hide_password(text: str, password: str | None = None) -> str:
    """``text`` with ``password`` (as typed or percent-encoded) and any
    ``user:password@`` / ``password=`` in addresses within it masked."""
    import re

    if password and len(password) >= 4:  # (masking "a" everywhere would garble the message)
        for form in {password, urllib.parse.quote(password, safe=""), urllib.parse.quote_plus(password)}:
            text = text.replace(form, MASK)
    text = re.sub(r"(?i)(password=)[^&\s;'\"]+", rf"\g<1>{MASK}", text)
    return re.sub(r"(://[^/:@\s]*):[^\s/]+@", rf"\g<1>:{MASK}@", text)


# --- the platform keyring (optional) -----------------------------------------------------


def remember(url: str, password: str) -> bool:
    """Keep ``password`` for the hub at ``url`` in the keyring. False when there is no
    usable keyring (the package is not installed, or no backend works)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, url, password)
    except Exception:  # noqa: BLE001 - any keyring trouble means "not kept", never a crash
        return False
    return True


def recall(url: str) -> str | None:
    """The password kept for the hub at ``url``, or None (none kept, or no keyring)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, url)
    except Exception:  # noqa: BLE001
        return None


def resolve(value: str) -> tuple[HubAddress, str]:
    """(the hub without password, the address to connect with): the password typed
    with the address, else the one kept in the keyring, else none (then PostgreSQL's
    ``~/.pgpass`` / ``PGPASSFILE`` is used, if it has one)."""
    address = parse_hub(value)
    password = address.password or (recall(address.url) if is_server_url(address.url) else None)
    return HubAddress(address.url, password), address.connect_url(password)
