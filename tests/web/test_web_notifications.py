"""The notifications page and the header's unread count: only my feed, marking read, CSRF."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

from flask.testing import FlaskClient

from betotrace_es.mail.render import notice
from tests.web.conftest import CUSTOMER_PLANNER, SUPPLIER_PLANNER, Demo, csrf_token, log_in

OPEN = re.compile(r'action="/notifications/([0-9a-f-]{36})/open"')


def _english(client: FlaskClient) -> None:
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token})


def _unread_badge(html: str) -> int:
    found = re.search(r'id="unread-count"[^>]*>.*?data-count="(\d+)"', html, re.S)
    assert found is not None, "no unread count in the header"
    return int(found.group(1))


def _user_id(demo: Demo, email: str) -> UUID:
    user_id = demo.actor(email).user_id
    assert user_id is not None
    return user_id


def test_the_page_lists_my_feed_and_only_mine(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    _english(client)
    html = client.get("/notifications").get_data(as_text=True)
    feed = demo.services.read.notifications.feed(_user_id(demo, SUPPLIER_PLANNER), limit=25)
    assert [UUID(i) for i in OPEN.findall(html)] == [i.notification_id for i in feed.items]
    newest = feed.items[0]
    assert newest.order_id == order.id
    assert order.number in html
    title, text = notice(newest.kind, newest.params, "en")
    assert title in html
    assert text in html
    assert "notice-unread" in html
    assert _unread_badge(html) == feed.unread_count >= 1
    assert f'aria-label="Notifications: {feed.unread_count} unread"' in html
    customer = demo.services.read.notifications.feed(_user_id(demo, CUSTOMER_PLANNER), limit=100)
    mine = {str(i.notification_id) for i in feed.items}
    assert not mine & {str(i.notification_id) for i in customer.items}


def test_the_unread_filter_and_the_badge_follow_mark_read(demo: Demo, client: FlaskClient) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/notifications?show=unread").get_data(as_text=True)
    before = _unread_badge(html)
    ident = OPEN.findall(html)[0]
    assert order.number in html
    response = client.post(
        f"/notifications/{ident}/read", data={"csrf_token": csrf_token(html), "show": "unread"}
    )
    assert response.status_code == 302
    assert response.location == "/notifications?show=unread"
    after = client.get(response.location).get_data(as_text=True)
    assert _unread_badge(after) == before - 1
    assert ident not in after
    assert ident in client.get("/notifications").get_data(as_text=True)


def test_opening_a_notification_marks_it_read_and_goes_to_the_order(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/notifications?show=unread").get_data(as_text=True)
    ident = OPEN.findall(html)[0]
    response = client.post(f"/notifications/{ident}/open", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert response.location == f"/orders/{order.id}"
    item = demo.services.read.notifications.item(_user_id(demo, SUPPLIER_PLANNER), UUID(ident))
    assert item is not None
    assert item.read
    assert _unread_badge(client.get(response.location).get_data(as_text=True)) == (
        _unread_badge(html) - 1
    )


def test_another_users_notification_is_404(demo: Demo, client: FlaskClient) -> None:
    demo.request_order()
    feed = demo.services.read.notifications.feed(_user_id(demo, SUPPLIER_PLANNER), unread=True)
    theirs = feed.items[0].notification_id
    log_in(client, CUSTOMER_PLANNER)
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    for action in ("read", "open"):
        response = client.post(f"/notifications/{theirs}/{action}", data={"csrf_token": token})
        assert response.status_code == 404
        assert response.mimetype == "text/html"
    response = client.post(f"/notifications/{uuid4()}/read", data={"csrf_token": token})
    assert response.status_code == 404
    item = demo.services.read.notifications.item(_user_id(demo, SUPPLIER_PLANNER), theirs)
    assert item is not None
    assert not item.read


def test_marking_read_needs_the_csrf_token(demo: Demo, client: FlaskClient) -> None:
    demo.request_order()
    log_in(client, SUPPLIER_PLANNER)
    html = client.get("/notifications?show=unread").get_data(as_text=True)
    ident = OPEN.findall(html)[0]
    for action in ("read", "open"):
        response = client.post(f"/notifications/{ident}/{action}", data={"show": "unread"})
        assert response.status_code == 400
    item = demo.services.read.notifications.item(_user_id(demo, SUPPLIER_PLANNER), UUID(ident))
    assert item is not None
    assert not item.read


def test_the_page_needs_a_login_and_a_bad_cursor_shows_the_first_page(
    demo: Demo, client: FlaskClient
) -> None:
    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    log_in(client, SUPPLIER_PLANNER)
    response = client.get("/notifications?cursor=not-a-cursor")
    assert response.status_code == 200
    assert OPEN.search(response.get_data(as_text=True))


def test_the_message_the_other_party_wrote_is_shown_with_the_notice(
    demo: Demo, client: FlaskClient
) -> None:
    order = demo.request_order()
    recorded = demo.services.app.cancel_order(
        demo.actor(CUSTOMER_PLANNER), order.id, "Werf ligt stil <tot maandag>"
    )
    assert demo.services.read.wait_until(recorded.position, 10)
    log_in(client, SUPPLIER_PLANNER)

    html = client.get("/notifications").get_data(as_text=True)

    assert (
        '<blockquote class="notice-message">Werf ligt stil &lt;tot maandag&gt;</blockquote>' in html
    )
