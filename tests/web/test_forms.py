"""An urlencoded form reads as Starlette's own parser reads it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser
from starlette.requests import Request

from web.forms import MAX_FIELDS, parse_urlencoded, read_form

PIECES = st.sampled_from(["a", "b", "=", "&", "+", "%", "%2", "%26", "%3D", "%C3%A9", "é", "choice", "P1", " ", ";"])


def _starlette(body: bytes) -> list[tuple[str, object]]:
    async def stream() -> AsyncIterator[bytes]:
        yield body

    parser = FormParser(Headers({"content-type": "application/x-www-form-urlencoded"}), stream())
    return list(asyncio.run(parser.parse()).multi_items())


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_body_reads_as_starlette_reads_it(text: str) -> None:
    body = text.encode("utf-8")
    assert list(parse_urlencoded(body).multi_items()) == _starlette(body)


@pytest.mark.parametrize(
    "body", [b"", b"&", b"&&a=1&&", b"action=cast&choice=A0P1&choice=A0P2", b"a", b"=x", b"a=b=c", b"%ff=%zz"]
)
def test_edge_cases_read_as_starlette_reads_them(body: bytes) -> None:
    assert list(parse_urlencoded(body).multi_items()) == _starlette(body)


def test_too_many_fields_is_a_bad_request() -> None:
    with pytest.raises(HTTPException) as refused:
        parse_urlencoded(b"&".join([b"a=1"] * (MAX_FIELDS + 1)))
    assert refused.value.status_code == 400
    assert len(parse_urlencoded(b"&".join([b"a=1"] * MAX_FIELDS)).getlist("a")) == MAX_FIELDS


def test_other_bodies_go_to_starlette() -> None:
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'
    sent = False

    async def receive() -> dict:
        nonlocal sent
        chunk, sent = (b"" if sent else body), True
        return {"type": "http.request", "body": chunk, "more_body": False}

    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    request = Request({"type": "http", "method": "POST", "headers": headers}, receive)
    assert asyncio.run(read_form(request))["a"] == "1"
