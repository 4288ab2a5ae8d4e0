"""Settings: where the database lives and how the application talks to it, read from RENKEI_* variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, each overridable by an environment variable with the ``RENKEI_`` prefix.

    - ``data_dir`` (``RENKEI_DATA_DIR``, default ``./var``): the directory for local state; the default
      SQLite database is created here.
    - ``database_url`` (``RENKEI_DATABASE_URL``, default ``sqlite:///<data_dir>/renkei.db``): the
      SQLAlchemy URL of the database. SQLite for one machine, ``postgresql+psycopg://user@host/db``
      (psycopg 3) for national scale.
    - ``echo_sql`` (``RENKEI_ECHO_SQL``, default false): log every SQL statement (for debugging).
    - ``response_cache_mb`` (``RENKEI_RESPONSE_CACHE_MB``, default 64): the most memory, in megabytes, the portal
      keeps replayable responses in (0 turns the cache off).
    - ``data_licence`` (``RENKEI_DATA_LICENCE``, default ``CC BY 4.0``) and ``data_licence_url``
      (``RENKEI_DATA_LICENCE_URL``): the licence of the published data, named in every page's footer.
    - ``session_key`` (``RENKEI_SESSION_KEY``, default empty): the secret that keys stored session tokens and CSRF
      tokens; when empty, one is generated once into the database (``app_secret``) and every worker shares it.
    - ``session_idle_minutes`` (``RENKEI_SESSION_IDLE_MINUTES``, default 60): a staff session ends after this long
      without a request.
    - ``session_max_hours`` (``RENKEI_SESSION_MAX_HOURS``, default 12): a staff session ends this long after
      sign-in, whatever happens.
    - ``trusted_proxies`` (``RENKEI_TRUSTED_PROXIES``, default empty: none): the reverse proxies (addresses or CIDR
      blocks, comma-separated, e.g. ``127.0.0.1,10.0.0.0/8``) whose ``X-Forwarded-For`` header names the client for
      the per-address sign-in throttle (and ``X-Forwarded-Proto`` under ``renkei serve``). From any other peer the
      headers are ignored (web/client_address.py); an entry that is not an address or a block stops the start, named.
    - ``template_reload`` (``RENKEI_TEMPLATE_RELOAD``, default false): look at the page templates' files on every
      render and reload an edited one (for working on the templates; in production they are read once).
    - ``warm_plans`` (``RENKEI_WARM_PLANS``, default 20): how many areas' current plans a ``renkei serve`` worker
      loads (from the snapshot kept on disk, else from the database) before ``/readyz`` says it is ready; 0 makes it
      ready at once. The others are loaded by their first request.

    >>> Settings(data_dir=Path("/srv/renkei")).database_url
    'sqlite:////srv/renkei/renkei.db'
    >>> Settings(database_url="postgresql+psycopg://postgres@db/renkei").database_url
    'postgresql+psycopg://postgres@db/renkei'
    """

    model_config = SettingsConfigDict(env_prefix="RENKEI_", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str = ""
    echo_sql: bool = False
    response_cache_mb: int = 64
    data_licence: str = "CC BY 4.0"
    data_licence_url: str = "https://creativecommons.org/licenses/by/4.0/deed.ja"
    session_key: str = ""
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    trusted_proxies: str = ""
    template_reload: bool = False
    warm_plans: int = 20

    @model_validator(mode="after")
    def fill_database_url(self) -> Settings:
        """Default the database to a SQLite file under ``data_dir``."""
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'renkei.db').as_posix()}"
        return self


@cache
def get_settings() -> Settings:
    """Return the settings read from the environment (cached; ``get_settings.cache_clear()`` rereads)."""
    return Settings()
