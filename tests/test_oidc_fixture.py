"""The test provider's fixture says clearly why it can't run: a skip locally, a failure in CI."""

import pytest

from tests import oidc_helpers


def test_without_node_the_tests_are_skipped_saying_why(monkeypatch, tmp_path):
    monkeypatch.delenv("REQUIRE_OIDC", raising=False)
    monkeypatch.setattr(oidc_helpers.shutil, "which", lambda _name: None)
    with pytest.raises(pytest.skip.Exception, match="node not found.*REQUIRE_OIDC=1 to fail instead"):
        oidc_helpers.start(tmp_path)


def test_with_require_oidc_a_missing_node_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUIRE_OIDC", "1")
    monkeypatch.setattr(oidc_helpers.shutil, "which", lambda _name: None)
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_OIDC=1 but .* node not found"):
        oidc_helpers.start(tmp_path)
