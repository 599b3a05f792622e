"""Sending a stored file (an attachment, a kept PDF) to a reader."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(
    field: FieldFile, *, filename: str, content_type: str, as_attachment: bool = False
) -> FileResponse:
    """A file from storage, sent as a document that can never act as a page of the portal."""
    try:
        stream = field.storage.open(field.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The document is missing") from exc
    response = FileResponse(stream, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # No script, form or same-origin access, whatever the file holds.
    response["Content-Security-Policy"] = "sandbox"
    return response
