"""The address of the client behind a request: one answer for the login lockout, the public rate limit
and the login records.

Behind a reverse proxy every request arrives from the proxy's address. The client's own address is
read from ``X-Forwarded-For`` only when the request comes from a proxy listed in
``KETNOI_TRUSTED_PROXIES``, and then only as far as the chain of trusted proxies goes: the address is
the right-most one in the header that is not itself a trusted proxy. Anyone else can write whatever
they like in that header, so without a trusted proxy it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: list[str]) -> tuple[Network, ...]:
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``); a bad item raises ``ValueError``."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


@lru_cache(maxsize=8)
def _networks(items: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(list(items))


def client_address(request: HttpRequest) -> str:
    """The client's address as this deployment can know it (``REMOTE_ADDR`` unless a trusted proxy says)."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _address(remote_text)
    if remote is None:
        # A request with no usable address (a login made in code, a Unix socket): the unspecified
        # address, which every database stores as an address (PostgreSQL's inet refuses "unknown").
        return "0.0.0.0"  # noqa: S104 - a value to store, not an address to listen on
    networks = _networks(tuple(settings.KETNOI_TRUSTED_PROXIES))
    if not _trusted(remote, networks):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # not an address: stop at the last proxy we trust
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


# The client address of the request being served, for records written deep in a service (an approval,
# an import) that has no request at hand. Set by ``ClientAddressMiddleware``; empty outside a request.
_current: ContextVar[str] = ContextVar("ketnoi_client_address", default="")


def current_address() -> str:
    return _current.get()


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
