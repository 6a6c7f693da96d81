"""The client's address is taken from X-Forwarded-For only as far as our own proxies wrote it."""

import pytest
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from madina.core.proxy import TrustedProxyMiddleware, client_address, parse_networks
from madina.portal import throttle

PROXIES = parse_networks(["10.0.0.5", "172.16.0.0/12", "fd00::/8"])


def _seen_address(settings, *, peer: str, forwarded_for: str | None) -> str:
    settings.MADINA_TRUSTED_PROXIES = ["10.0.0.5", "172.16.0.0/12"]
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    headers = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    TrustedProxyMiddleware(view)(RequestFactory().get("/", **headers))
    return seen["address"]


def test_the_client_behind_our_proxy_is_the_address_it_appended(settings):
    assert _seen_address(settings, peer="10.0.0.5", forwarded_for="203.0.113.7") == "203.0.113.7"


def test_a_forged_header_sent_straight_to_the_app_server_is_ignored(settings):
    assert _seen_address(settings, peer="198.51.100.9", forwarded_for="10.9.9.9") == "198.51.100.9"


def test_what_the_client_wrote_left_of_our_proxy_is_not_believed():
    # The client sent "X-Forwarded-For: 1.1.1.1"; nginx appended the address it saw.
    assert client_address("10.0.0.5", "1.1.1.1, 203.0.113.7", PROXIES) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    # client -> edge proxy 172.16.3.4 -> inner proxy 10.0.0.5 -> app server
    chain = "1.1.1.1, 203.0.113.7, 172.16.3.4"
    assert client_address("10.0.0.5", chain, PROXIES) == "203.0.113.7"


def test_a_request_from_inside_is_its_left_most_hop():
    assert client_address("10.0.0.5", "172.16.0.9, 172.16.3.4", PROXIES) == "172.16.0.9"


def test_a_malformed_hop_stops_at_the_last_trusted_word():
    assert client_address("10.0.0.5", "203.0.113.7, not-an-address", PROXIES) == "10.0.0.5"
    assert client_address("10.0.0.5", "<script>, 172.16.3.4", PROXIES) == "172.16.3.4"


def test_ports_brackets_and_ipv6():
    assert client_address("10.0.0.5", "203.0.113.7:51234", PROXIES) == "203.0.113.7"
    assert client_address("fd00::1", "[2001:db8::5]:443", PROXIES) == "2001:db8::5"
    assert client_address("::ffff:10.0.0.5", "203.0.113.7", PROXIES) == "203.0.113.7"


def test_without_trusted_proxies_the_middleware_steps_aside(settings):
    settings.MADINA_TRUSTED_PROXIES = []
    with pytest.raises(MiddlewareNotUsed):
        TrustedProxyMiddleware(lambda request: HttpResponse())


def test_a_malformed_setting_names_the_variable(settings):
    settings.MADINA_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="MADINA_TRUSTED_PROXIES"):
        TrustedProxyMiddleware(lambda request: HttpResponse())


def test_two_visitors_behind_one_proxy_have_their_own_rate_limit(settings):
    """The point of it: the portal's limits count each client, not the proxy."""
    settings.MADINA_TRUSTED_PROXIES = ["10.0.0.5"]
    keys = []

    def view(request):
        keys.append(throttle.client_key(request))
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    factory = RequestFactory()
    for client in ("203.0.113.7", "203.0.113.8", "203.0.113.7"):
        middleware(factory.post("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client))
    assert keys[0] != keys[1] and keys[0] == keys[2]
