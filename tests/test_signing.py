"""Ed25519 through PyNaCl: the standard algorithm, so keys and bundles of earlier versions (signed
with ``cryptography``) still verify, and a signature from either library checks in the other."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.sync import signing

# RFC 8032, section 7.1, test 1 (an empty message) and test 2 (one byte, 0x72).
VECTORS = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]


@pytest.mark.parametrize("seed, public, message, signature", VECTORS)
def test_the_rfc_8032_vectors(seed, public, message, signature):
    key = signing.from_seed(bytes.fromhex(seed))
    assert signing.public_bytes(key).hex() == public
    assert signing.seed_bytes(key).hex() == seed
    assert signing.sign(key, bytes.fromhex(message)).hex() == signature
    assert signing.verify(bytes.fromhex(public), bytes.fromhex(signature), bytes.fromhex(message))


def test_a_key_stored_by_the_earlier_library_signs_the_same_and_each_verifies_the_other():
    old = Ed25519PrivateKey.generate()  # what VillageDesk made before, stored as its raw 32 bytes
    key = signing.from_seed(old.private_bytes_raw())
    public = old.public_key().public_bytes_raw()
    assert signing.public_bytes(key) == public
    data = "村务台 bundle manifest".encode()
    assert signing.sign(key, data) == old.sign(data)  # Ed25519 is deterministic
    assert signing.verify(public, old.sign(data), data)
    Ed25519PublicKey.from_public_bytes(public).verify(signing.sign(key, data), data)  # raises if not


def test_what_does_not_verify():
    key, other = signing.new_key(), signing.new_key()
    public, data = signing.public_bytes(key), b"manifest"
    good = signing.sign(key, data)
    assert signing.verify(public, good, data)
    assert not signing.verify(public, good, data + b"!")  # changed content
    assert not signing.verify(signing.public_bytes(other), good, data)  # another key
    assert not signing.verify(public, bytes(64), data)
    assert not signing.verify(public, good[:-1], data)  # malformed signature
    assert not signing.verify(public[:31], good, data)  # malformed key
    assert not signing.verify(b"\0" * 32, good, data)
    with pytest.raises(ValueError):
        signing.from_seed(b"short")
