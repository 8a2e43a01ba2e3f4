"""Serving stored blobs to the browser safely."""

from django.http import FileResponse

from ..blobs import blob_open

# Types a browser may show inline; everything else is always downloaded as an attachment.
INLINE_SAFE = {"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif"}


def blob_response(*, blob: str, filename: str, mime_type: str, inline: bool) -> FileResponse:
    """The blob with its stored MIME type; inline only for types that cannot run script."""
    response = FileResponse(
        blob_open(blob),
        as_attachment=not (inline and mime_type in INLINE_SAFE),
        filename=filename,
        content_type=mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
