"""Templates' url_for remembers built URLs: the same answers as Flask's, per root, host and scheme."""

from flask import url_for

from app.templating import template_url_for


def test_remembered_urls_match_flask(app):
    cases = [
        ("main.home", {}),
        ("posts.thread", {"post_id": 7}),
        ("feeds.topic", {"name": "rota", "cursor": 40}),
    ]
    for base, root in (("http://localhost/", ""), ("https://intranet.example/", "/rollcall")):
        with app.test_request_context("/", base_url=base + root.lstrip("/")):
            for endpoint, values in cases * 2:  # the second time from memory
                assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert template_url_for("posts.thread", post_id=7).startswith(f"{root}/posts/7")
            assert template_url_for("main.home", _external=True) == url_for("main.home", _external=True)
    assert app.jinja_env.globals["url_for"] is template_url_for
