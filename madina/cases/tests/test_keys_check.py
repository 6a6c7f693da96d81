from django.test import override_settings

from madina.cases.checks import case_keys
from madina.cases.crypto import generate_key


def test_a_malformed_key_is_an_error():
    with override_settings(MADINA_CASE_KEYS=["not-a-key"]):
        assert [m.id for m in case_keys(None)] == ["madina.cases.E001"]


def test_good_keys_pass():
    with override_settings(MADINA_CASE_KEYS=[generate_key(), generate_key()]):
        assert case_keys(None) == []


def test_no_keys_outside_debug_is_a_warning():
    with override_settings(MADINA_CASE_KEYS=[], DEBUG=False):
        assert [m.id for m in case_keys(None)] == ["madina.cases.W001"]
