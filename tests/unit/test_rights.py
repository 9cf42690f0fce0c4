import pytest

from chalicelib.domain import rights as R


def test_nine_rights_and_fixed_roles():
    assert len(R.ALL) == 9
    assert set(R.ADMINISTRATOR) == set(R.ALL)
    assert set(R.DEVELOPER) < set(R.ALL)
    assert R.MANAGE_ENVIRONMENT not in R.DEVELOPER


def test_fixed_roles_ignore_matching_rights_and_refuse_others():
    assert R.rights_for("developer", None) == list(R.DEVELOPER)
    assert R.rights_for("administrator", list(R.ALL)) == list(R.ALL)
    with pytest.raises(ValueError, match="custom"):
        R.rights_for("developer", [R.VIEW_LOGS])


def test_custom_is_any_non_empty_subset_in_canonical_order():
    assert R.rights_for("custom", [R.VIEW_METRICS, R.VIEW_LOGS]) == [R.VIEW_LOGS, R.VIEW_METRICS]
    with pytest.raises(ValueError, match="non-empty"):
        R.rights_for("custom", [])
    with pytest.raises(ValueError, match="unknown rights"):
        R.rights_for("custom", ["fly"])
    with pytest.raises(ValueError, match="unknown role"):
        R.rights_for("owner", None)
