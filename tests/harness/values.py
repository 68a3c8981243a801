"""Hostile values, and whole hostile requests built from an entry of tests/harness/access.py.

A value is bytes, sent as it is: percent-encoded in paths and query strings (so invalid UTF-8 and
lone surrogates arrive as ``%FF`` and ``%ED%A0%80``), raw or percent-encoded in form bodies.
A request keeps each parameter's valid example, leaves it out, or replaces it with a hostile
value, so that one bad field also gets past the checks of the good ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import quote, quote_from_bytes

from hypothesis import strategies as st

from tests.harness.access import Access
from tests.harness.checks import CHINESE, ENGLISH
from tests.harness.routing import PARAMETER, fill_text
from tests.harness.seed import Seeded

HUGE = 100_000

EMPTY = [b""]
LARGE = [b"A" * HUGE, ("前鎮" * (HUGE // 6)).encode(), b"hanyu: Cianjhen\n" * (HUGE // 16), b"9" * HUGE]
CONTROL = [b"\x00", b"a\x00b", b"\x1b[2J\x1b[31m", "\u202egnp.exe".encode(), b"\r\n\r\nX-Injected: 1", b"\x7f\x08\x07",
           b"\t\x0b\x0c", "\u200b\ufeff\u2028".encode()]  # fmt: skip
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\x80abc", b"\xf4\x90\x80\x80", b"\xc0\xaf"]
LONE_SURROGATES = [b"\xed\xa0\x80", b"a\xed\xb2\xa9b", b"\xed\xa0\xbd\xed\xb8\x80"]  # U+D800, U+DCA9, a split pair
MARKUP = [b"<script>alert(1)</script>", b'"><img src=x onerror=alert(1)>', b"{{ 7*7 }}{% raw %}", b"&#0;&lt;\\u003c"]
QUERY_LANGUAGE = [b'" OR 1=1 --', b"' OR '1'='1", b"NEAR(", b"*", b'"', b"a AND b OR NOT c", b"%_%", b"\\",
                  b"'); DROP TABLE glossary_terms; --", b"en:foo ^bar", b"((((((((((", b"a" * 60 + b"!"]  # fmt: skip
NUMBERS = [b"99999999999999999999", b"-1", b"0", b"1e309", b"-0", b"NaN", b"inf", "１２".encode(), "²".encode(),
           "٣".encode(), b"9" * 400, b"0x10", b"1_000"]  # fmt: skip
MALFORMED_IDS = [b"not-a-uuid", b"00000000-0000-0000-0000-00000000000", b"00000000-0000-0000-0000-0000000000000",
                 b"../../etc/passwd", b"..", b"%00", b"{}", b"urn:uuid:", b"\x00" * 36]  # fmt: skip
DATES = [b"2026-02-30", b"0000-01-01", b"9999-12-31", b"105/03/05", b"2026-12-01T25:00:00", b"-2026-01-01"]
WORDS = [b"approve", b"approve_amended", b"reject", b"defer", b"deprecate", b"grant", b"revoke", b"check",
         b"propose", b"admin", b"staff", b"translator", b"en", b"en_alt", b"district", b"road", b"landmark",
         "前鎮區".encode(), b"tongyong: x", b"forbidden:", b"hanyu"]  # fmt: skip
FILE_NAMES = ["names.csv", "names.json", "names.tbx", "names.pb", "names", ".csv", "names.", "../../etc/passwd.csv",
              "a\x00.csv", "\u202evsc.exe", "名單.CSV", "x" * 5000 + ".csv", ""]  # fmt: skip

ATOMS = [*EMPTY, *LARGE, *CONTROL, *INVALID_UTF8, *LONE_SURROGATES, *MARKUP, *QUERY_LANGUAGE, *NUMBERS,
         *MALFORMED_IDS, *DATES, *WORDS]  # fmt: skip
PATH_ATOMS = [*EMPTY, b"A" * HUGE, *CONTROL[:3], *INVALID_UTF8[:2], *LONE_SURROGATES[:1], *MARKUP[:1], *NUMBERS[:4],
              *MALFORMED_IDS]  # fmt: skip

# Tried in every parameter, one parameter at a time, on every run (the rest of the request valid).
KEY_ATOMS = [b"", b"A" * HUGE, "a\x00\x1b[2J\u202e".encode(), b"\xff\xfe",
             b"\xed\xa0\x80", b"99999999999999999999", b"-1", b"1e309", b"not-a-uuid", b"<script>alert(1)</script>",
             b'" OR 1=1 -- NEAR( * "']  # fmt: skip
KEY_PATH_ATOMS = [b"A" * HUGE, b"not-a-uuid", b"\xed\xa0\x80", b"99999999999999999999", b"%00"]

LANGUAGES = [(CHINESE, None), (CHINESE, "cookie"), (ENGLISH, "query"), (ENGLISH, "cookie")]  # half in English
LANG_VALUES = {CHINESE: "zh_Hant_TW", ENGLISH: "en"}


def short(value: bytes | str) -> str:
    """A value as the failure message shows it: whole if short, else its start and length."""
    return repr(value) if len(value) <= 48 else f"{value[:40]!r}…({len(value)} long)"


def hostile(example: bytes, ids: list[bytes]) -> st.SearchStrategy[bytes]:
    """The example itself (often), a hostile value, a real id of any kind, or a mix of them."""
    pool = [example, *ATOMS, *ids]
    return st.one_of(
        st.just(example),
        st.sampled_from(pool),
        st.sampled_from(ids) | st.uuids().map(lambda u: str(u).encode()),
        st.text(max_size=30).map(lambda text: text.encode()),
        st.binary(max_size=30),
        st.lists(st.sampled_from(pool), min_size=2, max_size=4).map(b"".join),
    )


@dataclass(frozen=True)
class FuzzedRequest:
    """One request to one route: every value as bytes, and the language the visitor asked for."""

    method: str
    template: str
    path_values: Mapping[str, bytes]
    query: list[tuple[str, bytes]]
    form: list[tuple[str, bytes]]
    files: Mapping[str, tuple[str, bytes, str]] = field(default_factory=dict)
    language: str = CHINESE
    language_via: str | None = None
    raw_body: bool = False

    def __repr__(self) -> str:
        parts = [f"{self.method} {self.template}"]
        parts += [f"{{{name}}}={short(value)}" for name, value in self.path_values.items()]
        parts += [f"?{name}={short(value)}" for name, value in self.query]
        parts += [f"{name}={short(value)}" for name, value in self.form]
        parts += [f"{name}@{short(upload[0])}" for name, upload in self.files.items()]
        parts.append(f"lang={self.language} via {self.language_via or 'default'}{' raw body' if self.raw_body else ''}")
        return "<" + " ".join(parts) + ">"

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # how hypothesis prints an example
        printer.text(repr(self))  # type: ignore[attr-defined]

    def target(self) -> str:
        path = PARAMETER.sub(lambda m: quote_from_bytes(self.path_values[m.group(1)], safe=""), self.template)
        query = list(self.query)
        if self.language_via == "query":
            query.append(("lang", LANG_VALUES[self.language].encode()))
        encoded = "&".join(f"{quote(name)}={quote_from_bytes(value, safe='')}" for name, value in query)
        return path + ("?" + encoded if encoded else "")

    def lang_cookie(self) -> str | None:
        return LANG_VALUES[self.language] if self.language_via == "cookie" else None

    def body(self) -> dict:
        """The keyword arguments for ``send``: a multipart form with files, else a urlencoded body."""
        if self.method == "GET":
            return {}
        if self.files:
            return {"data": dict(self.form), "files": dict(self.files)}
        encode = _raw_form_value if self.raw_body else (lambda value: quote_from_bytes(value, safe="").encode())
        content = b"&".join(quote(name).encode() + b"=" + encode(value) for name, value in self.form)
        return {"content": content, "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


def _raw_form_value(value: bytes) -> bytes:
    """The bytes as they are, but for the four that would change the form's structure."""
    return value.replace(b"%", b"%25").replace(b"&", b"%26").replace(b"=", b"%3D").replace(b"+", b"%2B")


def fuzzed_requests(method: str, template: str, access: Access, seeded: Seeded) -> st.SearchStrategy[FuzzedRequest]:
    samples = seeded.samples
    # Paths and forms get ids of other kinds, never a signed-in visitor's account: the admin's
    # fuzzed role changes must not take the harness's own roles away, and a fuzzed appointment
    # (a review panel's member) must not give a visitor access that the route table says it lacks.
    path_ids = [value.encode() for name, value in seeded.ids.items() if not name.endswith(" account") or
                name == "target account"]  # fmt: skip
    form_ids = path_ids

    def parameters(examples: Mapping[str, str]) -> st.SearchStrategy[list[tuple[str, bytes]]]:
        drawn = [
            st.one_of(st.none(), hostile(fill_text(example, samples).encode(), form_ids)).map(
                lambda value, name=name: None if value is None else (name, value)
            )
            for name, example in examples.items()
        ]
        return st.tuples(*drawn).map(lambda pairs: [pair for pair in pairs if pair is not None])

    path_values = st.fixed_dictionaries({
        name: st.one_of(st.just(samples[name].encode()), st.sampled_from([*path_ids, *PATH_ATOMS]),
                        st.uuids().map(lambda u: str(u).encode()))
        for name in PARAMETER.findall(template)
    })  # fmt: skip
    files = st.fixed_dictionaries({
        name: st.one_of(st.just(upload[0]), st.sampled_from(FILE_NAMES)).map(
            lambda file_name, upload=upload: (file_name, upload[1], upload[2])
        )
        for name, upload in access.files.items()
    })  # fmt: skip

    @st.composite
    def requests(draw: st.DrawFn) -> FuzzedRequest:
        language, via = draw(st.sampled_from(LANGUAGES))
        return FuzzedRequest(
            method=method, template=template, path_values=draw(path_values), query=draw(parameters(access.query)),
            form=draw(parameters(access.form)), files=draw(files), language=language, language_via=via,
            raw_body=draw(st.booleans()),
        )  # fmt: skip

    return requests()


def key_examples(method: str, template: str, access: Access, seeded: Seeded) -> list[FuzzedRequest]:
    """The valid request with one parameter at a time set to each of the key hostile values."""
    samples = seeded.samples
    path_values = {name: samples[name].encode() for name in PARAMETER.findall(template)}
    query = [(name, fill_text(value, samples).encode()) for name, value in access.query.items()]
    form = [(name, fill_text(value, samples).encode()) for name, value in access.form.items()]
    base = FuzzedRequest(method, template, path_values, query, form, dict(access.files))
    variants: list[FuzzedRequest] = []
    for name in path_values:
        variants += [replace(base, path_values={**path_values, name: atom}) for atom in KEY_PATH_ATOMS]
        other = next(value for key, value in seeded.ids.items() if value != samples[name] and key.endswith("term"))
        variants.append(replace(base, path_values={**path_values, name: other.encode()}))
    for index, (name, _) in enumerate(query):
        variants += [replace(base, query=[*query[:index], (name, atom), *query[index + 1 :]]) for atom in KEY_ATOMS]
    for index, (name, _) in enumerate(form):
        variants += [replace(base, form=[*form[:index], (name, atom), *form[index + 1 :]]) for atom in KEY_ATOMS]
    for name, (_, content, media_type) in access.files.items():
        variants += [
            replace(base, files={**access.files, name: (file_name, content, media_type)}) for file_name in FILE_NAMES
        ]
    if not variants:
        variants = [base]
    return [
        replace(
            variant, language=LANGUAGES[number % 4][0], language_via=LANGUAGES[number % 4][1], raw_body=number % 3 == 0
        )
        for number, variant in enumerate(variants)
    ]
