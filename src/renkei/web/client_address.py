"""The client's address behind trusted reverse proxies: ``X-Forwarded-For`` is believed only from them.

The per-address sign-in throttle (services/signin.py) counts failures by the address a request came from. Behind
nginx every request comes from the proxy, so the address must be read from ``X-Forwarded-For`` — but only when the
direct peer is one of the proxies named in ``RENKEI_TRUSTED_PROXIES`` (addresses or CIDR blocks, comma-separated;
none by default). Anyone can send the header, so from any other peer it is ignored: otherwise a guesser would
name a new address on every try and never be throttled. The header is read from the right, each trusted proxy's
hop taken off, and the first address that is not a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxyError(ValueError):
    """A ``RENKEI_TRUSTED_PROXIES`` entry that is neither an address nor a CIDR block."""


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """Read a comma-separated list of proxy addresses and CIDR blocks (blank: none).

    >>> [str(n) for n in parse_trusted_proxies("127.0.0.1, 10.0.0.0/8 ,::1")]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    >>> parse_trusted_proxies("")
    ()
    >>> parse_trusted_proxies("10.0.0.0/8, nginx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.web.client_address.TrustedProxyError: RENKEI_TRUSTED_PROXIES の2番目「nginx」はIPアドレスでも...
    """
    networks: list[Network] = []
    for position, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise TrustedProxyError(
                f"RENKEI_TRUSTED_PROXIES の{position}番目「{entry}」はIPアドレスでも"
                f"CIDR（10.0.0.0/8 など）でもありません / "
                f"entry {position} of RENKEI_TRUSTED_PROXIES, {entry!r}, is not an IP address or CIDR block"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: Iterable[str], proxies: Sequence[Network]) -> str:
    """Return the client's address: the peer, or from a trusted peer the last untrusted ``X-Forwarded-For`` hop.

    >>> proxies = parse_trusted_proxies("10.0.0.5, 192.168.0.0/16")
    >>> client_address("203.0.113.9", ["198.51.100.1"], proxies)  # not a proxy: the header is ignored
    '203.0.113.9'
    >>> client_address("10.0.0.5", ["198.51.100.1, 192.168.1.2"], proxies)  # nginx behind a load balancer
    '198.51.100.1'
    >>> client_address("10.0.0.5", ["1.2.3.4", "198.51.100.7"], proxies)  # what the client wrote is further left
    '198.51.100.7'
    >>> client_address("10.0.0.5", [], proxies), client_address("10.0.0.5", ["junk"], proxies)
    ('10.0.0.5', '10.0.0.5')
    >>> client_address(None, ["198.51.100.1"], proxies)
    '-'
    """
    if not peer:
        return "-"
    current = _address(peer)
    if current is None or not _trusted(current, proxies):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    found = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage: believe nothing further left than the last trusted hop
        found = str(address)
        if not _trusted(address, proxies):
            break
    return found
