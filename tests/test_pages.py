"""The privacy notice and accessibility statement: public, linked from every page's footer."""

import pytest


@pytest.mark.parametrize(
    "path, heading", [("/privacy", "Privacy notice"), ("/accessibility", "Accessibility statement")]
)
def test_statements_are_readable_before_signing_in(client, path, heading):
    page = client.get(path)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.get_data(as_text=True)


def test_every_page_links_both_statements_in_its_footer(client, login, member):
    for html in (client.get("/login").get_data(as_text=True), login(member).get("/").get_data(as_text=True)):
        footer = html[html.index("<footer") :]
        assert 'href="/privacy"' in footer and 'href="/accessibility"' in footer


def test_the_privacy_notice_names_the_contact_and_says_there_are_no_private_messages(app, client):
    app.config["DPO_CONTACT"] = "the Data Protection Officer (dpo@northshire.police.uk)"
    try:
        page = client.get("/privacy").get_data(as_text=True)
    finally:
        app.config["DPO_CONTACT"] = "your organisation's Data Protection Officer"
    assert "dpo@northshire.police.uk" in page and "no private messages" in page
