"""Reading a posted form: an urlencoded body parsed in one pass, as Starlette's parser reads it.

Starlette hands an ``application/x-www-form-urlencoded`` body to python-multipart's streaming
parser, a byte-by-byte state machine in Python with a callback per field part: a tenth of a
ballot cast's time on the event loop (py-spy over bench/cast_http.py). A form is a few hundred
bytes, read whole anyway; ``read_form`` splits it as that parser does (fields between ``&``, empty
ones skipped; the name up to the first ``=``; each decoded as Latin-1 then ``unquote_plus``) and
keeps its limits (1,000 fields, 1 MB a field: 400). Any other body goes to ``request.form()``.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

MAX_FIELDS = 1000  # Starlette's defaults for ``request.form()``
MAX_FIELD_BYTES = 1024 * 1024
URLENCODED = b"application/x-www-form-urlencoded"


async def read_form(request: Request) -> FormData:
    content_type, _ = parse_options_header(request.headers.get("Content-Type"))
    if content_type != URLENCODED:
        return await request.form()
    return parse_urlencoded(await request.body())


def parse_urlencoded(body: bytes) -> FormData:
    items: list[tuple[str, str | UploadFile]] = []
    for field in body.split(b"&"):
        if not field:
            continue
        if len(field) - (b"=" in field) > MAX_FIELD_BYTES:
            raise HTTPException(400, f"Field exceeded maximum size of {MAX_FIELD_BYTES // 1024}KB.")
        if len(items) == MAX_FIELDS:
            raise HTTPException(400, f"Too many fields. Maximum number of fields is {MAX_FIELDS}.")
        name, _, value = field.partition(b"=")
        items.append((unquote_plus(name.decode("latin-1")), unquote_plus(value.decode("latin-1"))))
    return FormData(items)
