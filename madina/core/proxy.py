"""The client's real address behind the reverse proxies we trust.

Behind nginx, every request reaches the app server from the proxy's address, so the portal's rate
limits (``portal.throttle``) and django-axes's lockouts, which read ``REMOTE_ADDR``, would count
every visitor as one. The proxy appends the address it saw to ``X-Forwarded-For``; anyone can
write anything to the left of it, so the header is believed only as far as it was written by
proxies listed in ``MADINA_TRUSTED_PROXIES`` (addresses or networks).

:class:`TrustedProxyMiddleware` replaces ``REMOTE_ADDR`` with the right-most address of the
header that is not a trusted proxy, and only when the direct peer is one. With no trusted proxy
configured it removes itself, and the header is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks; a malformed one is refused with the setting's name."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"MADINA_TRUSTED_PROXIES: {value!r} is not an address or a network."
            ) from exc
    return tuple(networks)


def _address(value: str) -> Address | None:
    """An address as a proxy writes it, with or without a port (``1.2.3.4:80``, ``[::1]:80``)."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, else the right-most hop of
    ``forwarded_for`` that is not one.

    A hop that is not an address stops the walk at the last trusted proxy's word (the peer's
    own address when it is the first one): what lies left of it cannot be believed. When every
    hop is a trusted proxy, the left-most is the client (a request from inside the network).
    """
    peer_address = _address(peer)
    if peer_address is None or not _trusted(peer_address, networks):
        return peer
    client = str(peer_address)
    for hop in reversed([hop for hop in forwarded_for.split(",") if hop.strip()]):
        address = _address(hop)
        if address is None:
            return client
        client = str(address)
        if not _trusted(address, networks):
            return client
    return client


class TrustedProxyMiddleware:
    """Set ``REMOTE_ADDR`` to the client's address when the request came through our proxies.

    Comes first in ``MIDDLEWARE`` so that everything after it (rate limits, axes) sees the client.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = parse_networks(getattr(settings, "MADINA_TRUSTED_PROXIES", []))
        if not self.networks:
            raise MiddlewareNotUsed

    def __call__(self, request):
        meta = request.META
        forwarded_for = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded_for:
            meta["REMOTE_ADDR"] = client_address(
                meta.get("REMOTE_ADDR", ""), forwarded_for, self.networks
            )
        return self.get_response(request)
