"""Ed25519 signatures of bundles and receipts, through PyNaCl (libsodium).

The keys are the standard 32-byte Ed25519 seed and public key, and the signatures the standard
64 bytes (RFC 8032): a key stored, or a bundle signed, by an earlier VillageDesk (which used
``cryptography`` for the same algorithm) reads and verifies unchanged. PyNaCl is ~1 MB in the
built program where ``cryptography`` was ~12 MB, and this is all the program needs of either.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PyNaCl is loaded by the first key used, not by importing the sync area
    from nacl.signing import SigningKey

__all__ = ["from_seed", "new_key", "public_bytes", "seed_bytes", "sign", "verify"]


def new_key() -> SigningKey:
    from nacl.signing import SigningKey

    return SigningKey.generate()


def from_seed(seed: bytes) -> SigningKey:
    """The key stored as its 32-byte seed (``ValueError`` when it is not one)."""
    if not isinstance(seed, bytes) or len(seed) != 32:
        raise ValueError("an Ed25519 seed is 32 bytes")
    from nacl.signing import SigningKey

    return SigningKey(seed)


def seed_bytes(key: SigningKey) -> bytes:
    return bytes(key.encode())


def public_bytes(key: SigningKey) -> bytes:
    return bytes(key.verify_key.encode())


def sign(key: SigningKey, data: bytes) -> bytes:
    """The 64-byte detached signature of ``data``."""
    return bytes(key.sign(data).signature)


def verify(public: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is ``public``'s signature of ``data``; a malformed key or signature
    is simply not a valid signature."""
    if not isinstance(public, bytes) or len(public) != 32 or not isinstance(signature, bytes) or len(signature) != 64:
        return False
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(public).verify(data, signature)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True
