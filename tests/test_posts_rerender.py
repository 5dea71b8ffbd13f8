"""`flask posts rerender`: HTML stored by an older renderer is rendered again from its source."""

from app.extensions import db
from app.leadership.questions import ask
from app.models import Post, Question, Reply
from app.posts import replies, services
from app.sanitize import RENDER_VERSION

OLD = '<p title="kept by renderer 1">old</p>'


def _age(row) -> None:
    row.body_html, row.render_version = OLD, RENDER_VERSION - 1


def test_rows_from_an_older_renderer_are_rendered_again(app, ctx, runner, member, leader):
    post = services.create_post(member, "Shift swap **tonight** for @" + leader.handle)
    reply = replies.create_reply(member, post, "Count me in")
    question = ask(member, leader.id, "Can we *trial* it?")
    current = services.create_post(member, "Already current")
    for row in (post, reply, question):
        _age(row)
    current_html = current.body_html
    db.session.commit()
    ids = post.id, reply.id, question.id, current.id
    db.session.remove()

    result = runner.invoke(args=["posts", "rerender"])
    assert result.exit_code == 0, result.output
    assert "posts: 1" in result.output and "replies: 1" in result.output and "questions: 1" in result.output
    post, reply, question, current = (
        db.session.get(Post, ids[0]),
        db.session.get(Reply, ids[1]),
        db.session.get(Question, ids[2]),
        db.session.get(Post, ids[3]),
    )
    assert "<strong>tonight</strong>" in post.body_html and f'href="/people/{leader.id}"' in post.body_html
    assert reply.body_html == "<p>Count me in</p>" and "<em>trial</em>" in question.body_html
    assert all("title=" not in row.body_html for row in (post, reply, question))
    assert {row.render_version for row in (post, reply, question)} == {RENDER_VERSION}
    assert current.body_html == current_html  # only rows an older renderer made


def test_all_renders_every_row(app, ctx, runner, member):
    services.create_post(member, "One")
    db.session.commit()
    result = runner.invoke(args=["posts", "rerender", "--all"])
    assert result.exit_code == 0 and "posts: 1" in result.output
