"""Content-addressed blob storage on top of Django's storage API.

A blob's name is derived from its sha256 (`sha256/ab/cd/abcd…`), so the same bytes are
stored once and a stored blob is never overwritten.
"""

import hashlib
from dataclasses import dataclass
from typing import IO

from django.core.files.base import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    name: str
    sha256: str
    size: int
    head: bytes


def blob_name(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def hash_stream(stream: IO[bytes]) -> tuple[str, int, bytes]:
    """sha256, size and the first kilobyte of a stream, which is rewound afterwards."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        if not head:
            head = chunk[:1024]
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size, head


def blob_store(stream: IO[bytes]) -> StoredBlob:
    """Store the stream's bytes under their hash; a blob already present is kept as it is."""
    sha256, size, head = hash_stream(stream)
    name = blob_name(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, File(stream))
        if saved != name:
            # Another writer stored the same content a moment earlier; keep theirs.
            default_storage.delete(saved)
    return StoredBlob(name=name, sha256=sha256, size=size, head=head)


def blob_open(name: str) -> IO[bytes]:
    return default_storage.open(name, "rb")


def blob_read(name: str) -> bytes:
    with blob_open(name) as stream:
        return stream.read()
