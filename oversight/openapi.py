"""OpenAPI schema conventions shared by every operation (a drf-spectacular postprocessing hook).

Every operation may answer with the error shape of ``oversight.api.exception_handler``:
400 (a refused value, filter or rule), 401 (no credentials), 403 (visible but not the
caller's to do), 404 (no such object, or not the caller's to see) and, for writes, 409 (a
stale ``version`` or a conflicting state). Declaring them once here keeps the schema honest
without annotating every view; a view's own declaration of a code wins.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": 'An error: {"detail", "code"} for a refusal, or the refused fields with their messages.',
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": True,
}
ERRORS = {
    "400": "Refused: a value, filter or rule; the refused fields or {detail, code}.",
    "401": "Not signed in: send a session cookie or 'Authorization: Token <key>'.",
    "403": "Visible, but not yours to do.",
    "404": "No such object, or not yours to see.",
}
WRITE_ERRORS = {
    "409": "Stale version or conflicting state: someone changed it since you loaded it.",
}
WRITES = {"post", "put", "patch", "delete"}


def document_error_responses(result, generator, request, public):
    """Add the standard error responses to every operation that does not declare its own."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            codes = {**ERRORS, **(WRITE_ERRORS if method in WRITES else {})}
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                response = responses.setdefault(code, {"description": description})
                if "content" not in response:
                    response["content"] = content
    return result


def _model_field(field):
    """The model field behind a ModelSerializer's field, if there is one."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, honest about read-only text that may be blank.

    DRF drops ``allow_blank`` from a ModelSerializer's read-only fields, so a blank model field
    with choices (a draft decision's ``authority``) or a format (a meeting's ``online_link``)
    was documented as always one of its choices or always a URI, though it reads ``""``."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and isinstance(field, serializers.CharField | serializers.ChoiceField):
            model_field = _model_field(field)
            if isinstance(model_field, models.CharField | models.TextField) and model_field.blank:
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
