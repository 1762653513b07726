"""The validation rules read IP condition values as integers, and agree with ``ipaddress``.

aws:SourceIp never carries a private address, and a range with bits set after its
prefix length is really a shorter one
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress).
The rules used ``ipaddress`` objects for both; they now read integers, and these
tests hold them to what ``ipaddress.ip_network`` says: which text is a range at
all, which range lies in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or fc00::/7, and
which range has host bits set. Whitespace around the text is kept: ``ipaddress``
refuses it, and so must the rules.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine.rules.values import _is_strict, ip_range, is_private
from policies.engine.validate import validate_policy

SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRIVATE = [
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
]


def reference(text: str) -> tuple[bool, bool, bool] | None:
    """(private, strict) by ``ipaddress``, or ``None`` when ``text`` is no range."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    private = any(
        network.version == other.version and network.subnet_of(other)  # type: ignore[arg-type]
        for other in PRIVATE
    )
    try:
        ipaddress.ip_network(text)
        strict = True
    except ValueError:
        strict = False
    return True, private, strict


def ours(text: str) -> tuple[bool, bool, bool] | None:
    network = ip_range(text)
    if network is None:
        return None
    return True, is_private(network), _is_strict(text)


octets = st.sampled_from(["0", "00", "1", "01", "10", "127", "168", "172", "16", "31", "32"])
ipv4ish = st.lists(
    st.one_of(octets, st.sampled_from(["192", "255", "256", "999", "", "²"])),
    max_size=6,
).map(".".join)
ipv6ish = st.one_of(
    st.lists(
        st.sampled_from(["", "", "0", "1", "fc00", "fd12", "FDFF", "fe00", "db8", "1.2.3.4"]),
        max_size=10,
    ).map(":".join),
    st.text(alphabet="0123456789abcdefABCDEFg:.%", max_size=44),
    st.sampled_from(["fe80::1%eth0", "fd00::1%x", "::ffff:10.0.0.1", "::ffff:192.168.0.9"]),
)
prefixes = st.sampled_from(
    [
        *("", "/", "/0", "/6", "/7", "/8", "/07", "/12", "/16", "/24", "/32", "/33", "/64"),
        *("/128", "/129", "/255.255.255.0", "/0.0.0.255", "/255.0.0.0", "/24/8", "/ 24", "/x"),
    ]
)
padding = st.sampled_from(["", " ", "\t", "\n "])


@SETTINGS
@given(st.one_of(ipv4ish, ipv6ish), prefixes, padding, padding)
def test_ranges_agree_with_ipaddress(address: str, prefix: str, left: str, right: str) -> None:
    text = left + address + prefix + right
    assert ours(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "10.0.0.0/8",
        "10.1.2.3",
        "9.255.255.255/8",
        "10.0.0.0/7",
        "172.16.0.0/12",
        "172.32.0.0/12",
        "172.31.255.1/16",
        "192.168.0.0/16",
        "192.168.1.0/15",
        "192.169.0.0/16",
        "203.0.113.7/24",
        "203.0.113.0/24",
        "fc00::/7",
        "fd00::1/8",
        "fc00::/6",
        "fe80::1%eth0/64",
        "2001:db8::1/32",
        "::ffff:10.0.0.1/120",
        "10.0.0.1/255.0.0.0",
        "10.0.0.0/0.255.255.255",
        " 10.0.0.0/8",
        "10.0.0.0/8 ",
    ],
)
def test_edge_cases_agree_with_ipaddress(text: str) -> None:
    assert ours(text) == reference(text)


def test_a_private_source_ip_range_is_reported_and_a_public_one_is_not() -> None:
    def codes(ranges: list[str]) -> list[str]:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"IpAddress": {"aws:SourceIp": ranges}},
                }
            ],
        }
        return [finding.code for finding in validate_policy(policy)]

    assert codes(["203.0.113.0/24"]) == []
    assert codes(["192.168.7.0/24"]) == ["PRIVATE_IP_ADDRESS"]
    assert codes(["192.168.7.0/24", "203.0.113.0/24"]) == ["PRIVATE_IP_ADDRESS_SUBSET"]
    assert codes(["203.0.113.9/24"]) == ["IMPROVE_IP_RANGE"]
    assert codes([" 203.0.113.0/24"]) == ["TYPE_MISMATCH_IP_RANGE"]
