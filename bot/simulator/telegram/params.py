"""Decoding Bot API parameters the way Telegram accepts them: query string, form, JSON or multipart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx

from bot.simulator.telegram.errors import bad_request, missing

# Telegram reads these as JSON-serialised objects when they arrive as form fields.
_OBJECT_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "commands",
        "scope",
        "allowed_updates",
        "media",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field_name: str
    filename: str | None
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Params:
    """Decoded parameters of one call with typed accessors that fail like Telegram does."""

    values: Mapping[str, Any]
    files: Mapping[str, UploadedFile] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent."""
        return name in self.values and self.values[name] not in (None, "")

    def text(self, name: str) -> str:
        """A required string parameter."""
        if not self.has(name):
            raise missing(name)
        return str(self.values[name])

    def opt_text(self, name: str) -> str | None:
        """An optional string parameter."""
        return str(self.values[name]) if self.has(name) else None

    def integer(self, name: str, default: int | None = None) -> int:
        """An integer parameter; required unless a default is given."""
        if not self.has(name):
            if default is None:
                raise missing(name)
            return default
        try:
            return int(self.values[name])
        except (TypeError, ValueError):
            raise bad_request(f"Bad Request: invalid {name} specified") from None

    def number(self, name: str) -> float:
        """A required number parameter."""
        if not self.has(name):
            raise missing(name)
        try:
            return float(self.values[name])
        except (TypeError, ValueError):
            raise bad_request(f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (absent means false)."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str) -> Any:
        """A JSON object/array parameter, or None when absent."""
        if not self.has(name):
            return None
        value = self.values[name]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"Bad Request: can't parse {name} JSON object") from None
        return value


async def read_params(request: httpx.Request) -> Params:
    """Collect parameters from the query string and the body, whatever its encoding."""
    values: dict[str, Any] = dict(request.url.params.items())
    files: dict[str, UploadedFile] = {}
    body = await request.aread()
    content_type = request.headers.get("content-type", "")
    if body and content_type.startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("Bad Request: can't parse JSON") from None
        if isinstance(decoded, dict):
            values.update(decoded)
    elif body and content_type.startswith("multipart/form-data"):
        form, files = _parse_multipart(content_type, body)
        values.update(form)
    elif body:
        values.update(httpx.QueryParams(body.decode("utf-8", errors="replace")).items())
    return Params(values=values, files=files)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    parsed = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    form: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    if not isinstance(parsed, EmailMessage) or not parsed.is_multipart():
        raise bad_request("Bad Request: can't parse multipart body")
    for part in parsed.iter_parts():
        if not isinstance(part, EmailMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            form[name] = data.decode("utf-8", errors="replace")
        else:
            files[name] = UploadedFile(name, filename, part.get_content_type(), data)
    return form, files


def is_object_field(name: str) -> bool:
    """Whether Telegram expects a JSON-serialised object for this field."""
    return name in _OBJECT_FIELDS


def loggable(params: Params) -> dict[str, Any]:
    """Parameters decoded for the request log: object fields parsed, file fields named."""
    out: dict[str, Any] = {}
    for name, value in params.values.items():
        if is_object_field(name) and isinstance(value, str):
            try:
                out[name] = json.loads(value)
            except ValueError:
                out[name] = value
        else:
            out[name] = value
    for name, upload in params.files.items():
        out.setdefault(name, f"<file {upload.filename or name}>")
    return out
