import pytest

from chalicelib.domain.names import check_dns1123, dns1123_problem
from chalicelib.errors import Unprocessable


@pytest.mark.parametrize("name", ["a", "abc", "a-b", "a1", "1a", "a" * 63, "x--y"])
def test_valid_labels(name):
    assert dns1123_problem(name) is None


@pytest.mark.parametrize("name", ["", "A", "My_NS", "-a", "a-", "a" * 64, "a.b", "a b", "ä"])
def test_invalid_labels(name):
    assert dns1123_problem(name)
    with pytest.raises(Unprocessable) as err:
        check_dns1123(name, "Namespace name")
    assert "DNS-1123" in err.value.message and "63" in err.value.message
