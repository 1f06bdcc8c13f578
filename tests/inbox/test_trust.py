"""Whose Authentication-Results the bot believes, and which passes speak for the From address."""

from __future__ import annotations

import pytest

from bot.inbox.trust import sender_verdict

FROM = "tom.okafor@rht.example.org"
EOP_PASS = ("spf=pass (sender IP is 198.51.100.20) smtp.mailfrom=rht.example.org; dkim=pass (signature was verified) "
            "header.d=rht.example.org;dmarc=pass action=none header.from=rht.example.org;compauth=pass reason=100")
EOP_NONE = ("spf=none (sender IP is 203.0.113.9) smtp.mailfrom=rht.example.org; dkim=none (message not signed) "
            "header.d=none;dmarc=none action=none header.from=rht.example.org;compauth=fail reason=001")
AR = "Authentication-Results"


def _trusted(headers: list[tuple[str, str]], from_address: str = FROM, authserv_id: str = "exchange-online") -> bool:
    return sender_verdict(headers, from_address, authserv_id=authserv_id).authenticated


def test_exchange_dmarc_pass_on_top_is_believed() -> None:
    assert _trusted([(AR, EOP_PASS), ("Received", "from x"), ("Subject", "RE: x")])


def test_a_pass_written_below_exchanges_own_verdict_is_ignored() -> None:
    assert not _trusted([(AR, EOP_NONE), ("Received", "from x"), (AR, EOP_PASS)])


def test_no_authentication_results_is_not_trusted() -> None:
    assert not _trusted([("Subject", "RE: x"), ("ARC-Authentication-Results", "i=1; mx.microsoft.com 1; dmarc=pass")])


@pytest.mark.parametrize(
    "verdict",
    [
        "spf=pass smtp.mailfrom=attacker.example.net; dkim=none; dmarc=none header.from=rht.example.org",
        "dkim=pass header.d=attacker.example.net; dmarc=none header.from=rht.example.org",
        "dmarc=pass header.from=attacker.example.net",
        "dmarc=bestguesspass action=none header.from=rht.example.org",
        "spf=softfail smtp.mailfrom=rht.example.org; dmarc=none header.from=rht.example.org",
        "spf=temperror smtp.mailfrom=rht.example.org",
        "spf=pass smtp.mailfrom=example.org",  # a parent domain does not speak for rht.example.org
        "spf=pass (dmarc=pass header.from=rht.example.org) smtp.mailfrom=x.example.net",  # a comment is no verdict
    ],
)
def test_only_a_pass_aligned_with_the_from_domain_counts(verdict: str) -> None:
    assert not _trusted([(AR, verdict)])


@pytest.mark.parametrize(
    "verdict",
    [
        "spf=fail smtp.mailfrom=rht.example.org; dkim=pass header.d=rht.example.org; dmarc=pass header.from=rht.example.org",
        "spf=pass smtp.mailfrom=bounces.rht.example.org; dmarc=none header.from=rht.example.org",
        "dkim=pass header.d=rht.example.org; dmarc=none header.from=rht.example.org",
    ],
)
def test_aligned_passes_count(verdict: str) -> None:
    assert _trusted([(AR, verdict)])


def test_dmarc_fail_outweighs_an_aligned_spf_pass() -> None:
    assert not _trusted([(AR, "spf=pass smtp.mailfrom=rht.example.org; dmarc=fail header.from=rht.example.org")])


def test_internal_stamp_of_our_tenant_is_trusted_but_a_cross_tenant_one_is_not() -> None:
    internal = "dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=rht.example.org;"
    assert _trusted([(AR, internal), ("X-MS-Exchange-Organization-AuthAs", "Internal")])
    assert not _trusted([(AR, internal), ("X-MS-Exchange-CrossTenant-AuthAs", "Internal")])
    assert not _trusted([(AR, internal), ("X-MS-Exchange-Organization-AuthAs", "Anonymous")])
    # Two stamps cannot both be Exchange's: believe neither.
    assert not _trusted([("X-MS-Exchange-Organization-AuthAs", "Internal"), ("X-MS-Exchange-Organization-AuthAs", "Anonymous")])


def test_a_configured_authserv_id_reads_only_its_own_leading_fields() -> None:
    ours = "mx.riverside.example; dmarc=pass header.from=rht.example.org"
    assert _trusted([(AR, ours)], authserv_id="mx.riverside.example")
    assert not _trusted([(AR, "mx.riverside.example; dmarc=none header.from=rht.example.org"), (AR, ours)],
                        authserv_id="mx.other.example")
    # A field claiming our id below someone else's is the sender's own, not ours.
    assert not _trusted([(AR, "relay.example.net; none"), (AR, ours)], authserv_id="mx.riverside.example")
    # Exchange's unnamed field is not our other server's.
    assert not _trusted([(AR, EOP_PASS)], authserv_id="mx.riverside.example")


def test_a_field_with_an_authserv_id_is_not_exchanges() -> None:
    assert not _trusted([(AR, "mx.attacker.example; dmarc=pass header.from=rht.example.org")])


def test_no_from_address_is_not_trusted() -> None:
    assert not _trusted([(AR, EOP_PASS)], from_address="")
