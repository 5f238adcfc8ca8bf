"""The workspace key used to hash resident ID numbers (keyed HMAC for de-duplication).

The key is configuration, never code: ``KEXIE_SECRET_KEY`` (the key itself), else
``KEXIE_KEY_FILE`` (a file holding it), else a key file beside a SQLite database
(``kexie.db`` → ``kexie.db.key``) or ``kexie.key`` in the working directory for other engines.
``kexie init`` creates the key file when none exists. The database stores only a fingerprint of
the key, so that opening it with the wrong key is an error rather than silently unmatched hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .engine import sqlite_file

ENV_KEY = "KEXIE_SECRET_KEY"
ENV_KEY_FILE = "KEXIE_KEY_FILE"


class KeyError_(RuntimeError):
    """No key is configured, or the key does not match the database."""


def default_key_file(url: str) -> Path:
    database = sqlite_file(url)
    return Path(f"{database}.key") if database is not None else Path("kexie.key")


def key_file(url: str) -> Path:
    return Path(os.environ[ENV_KEY_FILE]) if os.environ.get(ENV_KEY_FILE) else default_key_file(url)


def load_key(url: str) -> bytes | None:
    """The configured key, or None when there is none."""
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY].encode()
    path = key_file(url)
    if path.exists():
        return path.read_text().strip().encode()
    return None


def create_key_file(url: str) -> Path | None:
    """Create a random key file for ``url`` if no key is configured; returns its path."""
    if os.environ.get(ENV_KEY):
        return None
    path = key_file(url)
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path


def fingerprint(key: bytes) -> str:
    return hmac.new(key, b"kexie-key-fingerprint", hashlib.sha256).hexdigest()[:16]
