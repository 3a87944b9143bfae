"""Tests you can run yourself: `pytest exercises/07_pubsub` (or `make check EXERCISE=07`).

The server tests serve your app on 127.0.0.1, on a free port, the way `web.run_app` does, and talk
to it with aiohttp clients. Time is virtual (the looptime plugin): waiting "up to 1 s" costs
nothing, and only passes once everything that could run has run.
"""

import asyncio
import contextlib

import aiohttp
import pubsub
import pytest
from aiohttp import web

pytestmark = [pytest.mark.asyncio, pytest.mark.looptime]


@contextlib.asynccontextmanager
async def served(app):
    """The base URL of your app, served for the length of the block."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


async def until(condition, seconds=1.0):
    """Wait (virtual time) until condition() is true; False if it never became true."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not condition():
                await asyncio.sleep(0.01)
    return condition()


async def listen(session, url, received):
    """Stream GET url, appending each chunk of bytes to `received`, until cancelled."""
    async with session.get(url) as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        async for chunk in response.content.iter_any():
            received.append(chunk)


async def publish(url, message):
    async with aiohttp.ClientSession() as session, \
            session.post(url, params={"msg": message}) as response:
        return response.status, await response.text()


async def test_a_subscription_adds_its_queue_and_removes_it_afterwards():
    hub = pubsub.Hub()
    with pubsub.Subscription(hub) as queue:
        assert isinstance(queue, asyncio.Queue)
        assert hub.subscriptions == {queue}
    assert hub.subscriptions == set()


async def test_a_subscription_is_removed_even_when_the_block_raises():
    hub = pubsub.Hub()
    with pytest.raises(KeyError), pubsub.Subscription(hub):
        raise KeyError("oops")
    assert hub.subscriptions == set()


async def test_publish_puts_the_message_on_every_queue():
    hub = pubsub.Hub()
    with pubsub.Subscription(hub) as first, pubsub.Subscription(hub) as second:
        hub.publish("hello")
        assert first.get_nowait() == "hello"
        assert second.get_nowait() == "hello"


async def test_post_answers_ok_even_with_nobody_listening():
    async with served(pubsub.make_app()) as url:
        assert await publish(url, "anybody?") == (200, "ok")


async def test_a_subscriber_hears_what_is_published_after_it_came():
    hub = pubsub.Hub()
    received = []
    async with served(pubsub.make_app(hub)) as url, aiohttp.ClientSession() as session:
        listener = asyncio.create_task(listen(session, url, received))
        assert await until(lambda: len(hub.subscriptions) == 1)
        await publish(url, "hello")
        await publish(url, "world")
        assert await until(lambda: b"".join(received) == b"hello\r\nworld\r\n")
        listener.cancel()


async def test_a_subscriber_that_hangs_up_leaves_the_hub_at_once():
    hub = pubsub.Hub()
    async with served(pubsub.make_app(hub)) as url:
        session = aiohttp.ClientSession()
        listener = asyncio.create_task(listen(session, url, []))
        assert await until(lambda: len(hub.subscriptions) == 1)
        await session.close()  # hang up, with no message published
        listener.cancel()
        assert await until(lambda: len(hub.subscriptions) == 0)
