"""IP addresses and ranges read as integers agree with Python's ``ipaddress``.

The IP address operators compare a request address with CIDR ranges
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress).
The engine reads the usual forms itself, for speed; these tests hold it to the
exact rules of ``ipaddress.ip_address`` and ``ip_network(strict=False)``, which it
used before, on generated text and on the edge cases that differ most often.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.engine.comparisons import ip_value, network_value

SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_ip(text: str) -> tuple[int, int] | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return ip.version, int(ip)


def reference_network(text: str) -> tuple[int, int, int] | None:
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    return net.version, int(net.network_address), int(net.netmask)


ipv4ish = st.lists(
    st.sampled_from(["0", "00", "1", "01", "9", "10", "127", "255", "256", "999", "1000", "", "²"]),
    min_size=0,
    max_size=6,
).map(".".join)
ipv6ish = st.one_of(
    st.lists(
        st.sampled_from(["", "", "0", "1", "ab", "db8", "FFFF", "12345", "g", "1.2.3.4", "9%x"]),
        min_size=0,
        max_size=10,
    ).map(":".join),
    st.text(alphabet="0123456789abcdefABCDEFg:.%", max_size=44),
)
prefixes = st.sampled_from(
    [
        "",
        "/",
        "/0",
        "/8",
        "/24",
        "/024",
        "/32",
        "/33",
        "/64",
        "/128",
        "/129",
        "/255.255.255.0",
        "/0.0.0.255",
        "/24/8",
        "/ 24",
        "/x",
    ]
)
padding = st.sampled_from(["", " ", "\t", "\n "])


@SETTINGS
@given(st.one_of(ipv4ish, ipv6ish), prefixes, padding)
def test_ranges_agree_with_ipaddress(address: str, prefix: str, pad: str) -> None:
    text = pad + address + prefix + pad
    assert network_value(text) == reference_network(text)


@SETTINGS
@given(st.one_of(ipv4ish, ipv6ish), padding)
def test_addresses_agree_with_ipaddress(address: str, pad: str) -> None:
    text = pad + address + pad
    assert ip_value(text) == reference_ip(text)


EDGE_CASES = [
    "203.0.113.9",
    "203.0.113.0/24",
    "0.0.0.0/0",
    "255.255.255.255/32",
    "1.2.3.4/255.255.0.0",
    "01.2.3.4",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.4/",
    "1.2.3.4//24",
    "::",
    "::1",
    "1::",
    "::/0",
    "2001:db8::/32",
    "2001:db8::1/64",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8::",
    "1::2::3",
    "1:::2",
    ":::",
    ":1::2",
    "1::2:",
    "1:2:3:4:5:6:7",
    "12345::",
    "fe80::1%eth0",
    "::ffff:192.0.2.1",
    "::ffff:192.0.2.1/120",
    "2001:db8::/129",
    "2001:DB8::/32",
    "g::",
    "",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_agree_with_ipaddress(text: str) -> None:
    assert network_value(text) == reference_network(text)
    assert ip_value(text) == reference_ip(text)
