"""Run read_document in a child process with a memory cap, so a bomb or a hang fails a test
instead of taking the test run down."""

import resource
from pathlib import Path

MEMORY_CAP = 2_500 * 1024 * 1024  # bytes of address space per child


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def read_file(path: str) -> dict:
    """Outcome of reading one file, as plain data."""
    from ocr.pipeline import RejectedInput, read_document

    data = Path(path).read_bytes()
    try:
        result = read_document(data, filename=Path(path).name)
    except RejectedInput as rejected:
        return {"outcome": "rejected", "code": rejected.code, "message": rejected.message_de}
    except MemoryError:
        return {"outcome": "memory"}
    return {
        "outcome": "read",
        "mime_type": result.mime_type,
        "page_count": result.page_count,
        "text": result.text,
        "warnings": list(result.warnings),
        "searchable": result.searchable_pdf is not None,
        "unchanged": Path(path).read_bytes() == data,
    }
