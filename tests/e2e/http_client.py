"""A small typed HTTP client over the standard library, safe to use from many threads."""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    """One HTTP response, read completely."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        """The media type without parameters."""
        return self.headers.get("content-type", "").split(";")[0].strip()

    def header(self, name: str) -> str | None:
        """A response header, by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Http:
    """Requests to one server; a new connection per request (no shared state between threads)."""

    base_url: str
    timeout: float = 30.0
    default_headers: dict[str, str] = field(default_factory=dict)
    # Read your writes, as a well-behaved client does: every GET carries X-Min-Position of
    # the latest X-Position any answer brought (unless the GET names its own).
    read_your_writes: bool = False
    _seen: list[int] = field(default_factory=lambda: [0], init=False, repr=False, compare=False)
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        """Send one request and read the whole answer."""
        parts = urlsplit(self.base_url)
        sent = {**self.default_headers, **(headers or {})}
        if self.read_your_writes and method == "GET" and self._seen[0]:
            sent.setdefault("X-Min-Position", str(self._seen[0]))
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = raw
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        host = parts.hostname or "127.0.0.1"
        connection = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            body = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
            position = found.get("x-position", "")
            if position.isdigit():
                with self._lock:
                    self._seen[0] = max(self._seen[0], int(position))
            return Answer(response.status, found, body)
        finally:
            connection.close()

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Answer:
        """GET ``path``."""
        return self.request("GET", path, token=token, **kwargs)

    def post(self, path: str, token: str | None = None, body: Any = None, **kwargs: Any) -> Answer:
        """POST ``body`` as JSON to ``path``."""
        return self.request("POST", path, token=token, json_body=body, **kwargs)

    def patch(self, path: str, token: str | None = None, body: Any = None, **kwargs: Any) -> Answer:
        """PATCH ``body`` as JSON to ``path``."""
        return self.request("PATCH", path, token=token, json_body=body, **kwargs)
