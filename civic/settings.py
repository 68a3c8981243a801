"""Every setting the platform reads, from ``CIVIC_*`` environment variables.

Each field is documented in the settings table of README.md; a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

LOCAL_PROVIDER_PORT = 8765
# The event stores' recorders: eventsourcing's, with concurrent saves of one node written in one
# transaction (civic/store/group_commit.py). Named, not imported: settings load before any store does.
RECORDER_TOPICS = {
    "eventsourcing.postgres": "civic.store.postgres:GroupCommitPostgresRecorder",
    "eventsourcing.sqlite": "civic.store.sqlite:GroupCommitSQLiteRecorder",
}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    id_hash_key: str = ""
    ballot_key: str = ""
    oidc_metadata_url: str = f"http://127.0.0.1:{LOCAL_PROVIDER_PORT}/.well-known/openid-configuration"
    oidc_client_id: str = "civic"
    oidc_client_secret: str = "civic-local-secret"
    https_only: bool = False
    max_body_bytes: int = 2_000_000
    max_upload_bytes: int = 20_000_000
    read_wait_seconds: float = 5.0
    rate_limit_per_minute: int = 120
    default_locale: str = "zh_Hant_TW"
    health_max_lag: int = 1000
    # Comma-separated. Host names this site answers to ("*.example.tw" for subdomains, "*" for
    # any); "testserver" is the name Starlette's TestClient uses.
    allowed_hosts: str = "127.0.0.1,localhost,testserver"
    # Comma-separated addresses or CIDR networks of reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; empty: the direct peer is the client.
    trusted_proxies: str = ""
    env: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for spec in fields(cls):
            key = "CIVIC_" + spec.name.upper()
            if spec.name == "env" or key not in environ:
                continue
            values[spec.name] = _convert(spec.type, environ[key])
        return cls(**values)  # type: ignore[arg-type]

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.db"

    @property
    def views_dir(self) -> Path:
        """This node's read models: a SQLite file per view and the manifest naming them."""
        return self.data_dir / "views"

    def allowed_host_names(self) -> tuple[str, ...]:
        return _split(self.allowed_hosts)

    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """Raises ValueError at start-up for an entry that is no address or network."""
        return tuple(ip_network(entry, strict=False) for entry in _split(self.trusted_proxies))

    def session_secret(self) -> str:
        """The signing key for session cookies; made once per data directory if not set."""
        if self.secret_key:
            return self.secret_key
        return _stored_secret(self.data_dir / "secret.key")

    def national_id_key(self) -> bytes:
        """The HMAC key for national ID numbers: only keyed hashes are ever stored."""
        if self.id_hash_key:
            return self.id_hash_key.encode()
        return _stored_secret(self.data_dir / "id-hash.key").encode()

    def ballot_secret(self) -> bytes:
        """The HMAC key ballot ids are made with: without it no ballot can be tied to a census entry."""
        if self.ballot_key:
            return self.ballot_key.encode()
        return _stored_secret(self.data_dir / "ballot.key").encode()

    @property
    def ballots_path(self) -> Path:
        return self.data_dir / "ballots.db"

    def ballot_box_env(self) -> dict[str, str]:
        """The ballot box's persistence settings: its own SQLite file, or its own PostgreSQL table.

        On PostgreSQL both logs use the same database; eventsourcing names each table after its
        application (``civic_events``, ``ballots_events``), each with its own sequence.
        """
        env = self.event_store_env()
        if not self.database_url:
            env["SQLITE_DBNAME"] = str(self.ballots_path)
        return env

    def event_store_env(self) -> dict[str, str]:
        """eventsourcing's persistence settings: SQLite in the data dir, or PostgreSQL."""
        if self.database_url:
            env = postgres_env(self.database_url)
        else:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.events_path),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env.update(self.env)
        if env["PERSISTENCE_MODULE"] in RECORDER_TOPICS:  # unless ``env`` names a recorder of its own
            env.setdefault("APPLICATION_RECORDER_TOPIC", RECORDER_TOPICS[env["PERSISTENCE_MODULE"]])
        return env


def postgres_env(url: str) -> dict[str, str]:
    """Turns postgresql://user:pass@host:port/db?schema=name into eventsourcing's settings.

    eventsourcing creates its table in ``schema`` but not the schema itself: it must exist.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"CIVIC_DATABASE_URL must be a postgresql:// URL, not {parts.scheme!r}")
    query = dict(parse_qsl(parts.query))
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": "5",
        "CREATE_TABLE": "y",  # the key eventsourcing reads (there is no POSTGRES_CREATE_TABLE)
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    return env


def _convert(kind: object, raw: str) -> object:
    name = kind if isinstance(kind, str) else getattr(kind, "__name__", "")
    if name == "Path":
        return Path(raw)
    if name == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if name == "int":
        return int(raw)
    if name == "float":
        return float(raw)
    return raw


def _split(values: str) -> tuple[str, ...]:
    return tuple(value.strip().lower() for value in values.split(",") if value.strip())


def _stored_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
