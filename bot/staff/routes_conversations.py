"""The conversation list, the review queue, a transcript, and review edits."""

from __future__ import annotations

import re
from typing import Awaitable, Callable, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.staff import audit, indexer, listing, purge, review
from bot.staff.access import form_value, guarded
from bot.staff.accounts import User
from bot.staff.filters import QUEUE_REASONS, STATUSES, Filters
from bot.staff.portal import PREFIX, Portal, add_security_headers
from bot.staff.review import ReviewError

KEY = re.compile(r"^[0-9a-f]{24}$")
NOTICES = {
    "status": "Review status saved.",
    "tag": "Tag added.",
    "untag": "Tag removed.",
    "note": "Note added.",
    "deleted": "The conversation was deleted.",
}


def page_number(request: Request) -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def register(bp: Blueprint, portal: Portal) -> None:
    @bp.get("", name="portal_root", strict_slashes=True)
    async def portal_root(_: Request) -> HTTPResponse:
        return _redirect(f"{PREFIX}/")

    @bp.get("/", name="conversations", strict_slashes=True)
    @guarded(portal)
    async def conversations(request: Request, user: User) -> HTTPResponse:
        filters = Filters.from_args(request.args)
        await portal.refresh_index()
        page = await portal.run(listing.list_conversations, portal.engine, filters, page_number(request))
        counts = await portal.run(listing.facet_counts, portal.engine, filters)
        return portal.render(
            request,
            "conversations.html",
            user=user,
            filters=filters,
            page=page,
            counts=counts,
            statuses=STATUSES,
            reasons=QUEUE_REASONS,
            view="conversations",
            notice=NOTICES.get(request.args.get("done", ""), ""),
        )

    @bp.get("/queue", name="queue")
    @guarded(portal)
    async def queue(request: Request, user: User) -> HTTPResponse:
        filters = Filters.from_args(request.args)
        await portal.refresh_index()
        page = await portal.run(listing.review_queue, portal.engine, filters, page_number(request))
        return portal.render(
            request, "queue.html", user=user, filters=filters, page=page, reasons=QUEUE_REASONS, counts={}, view="queue"
        )

    async def find(key: str) -> Optional[str]:
        if not KEY.match(key):
            return None
        sender = await portal.run(indexer.sender_for_key, portal.engine, key)
        if sender is None:
            await portal.run(indexer.refresh, portal.engine)
            sender = await portal.run(indexer.sender_for_key, portal.engine, key)
        return sender

    @bp.get("/conversations/<key>", name="transcript")
    @guarded(portal)
    async def transcript(request: Request, user: User, key: str) -> HTTPResponse:
        sender = await find(key)
        if sender is None:
            return portal.error(request, 404, "There is no such conversation (it may have been deleted).", user)
        conversation = await portal.run(indexer.load_transcript, portal.engine, sender)
        state = await portal.run(review.state, portal.engine, sender)
        await portal.run(_record_view, portal, user, key)
        history = (await portal.run(audit.entries, portal.engine, target=key))[0] if user.admin else []
        return portal.render(
            request,
            "transcript.html",
            user=user,
            key=key,
            conversation=conversation,
            state=state,
            statuses=STATUSES,
            history=history,
            notice=NOTICES.get(request.args.get("done", ""), ""),
            error=ERRORS.get(request.args.get("error", ""), ""),
        )

    def edit(path: str, name: str, role: Optional[str] = None) -> Callable:
        """A POST on one conversation: `change(sender, key, user, request)` raises ReviewError to refuse."""

        def decorate(change: Callable[[str, str, User, Request], Awaitable[str]]) -> None:
            @bp.post(f"/conversations/<key>/{path}", name=name)
            @guarded(portal, role=role)
            async def handler(request: Request, user: User, key: str) -> HTTPResponse:
                sender = await find(key)
                if sender is None:
                    return portal.error(request, 404, "There is no such conversation.", user)
                try:
                    done = await change(sender, key, user, request)
                except ReviewError as problem:
                    code = problem.code if problem.code in ERRORS else "invalid"
                    return _redirect(f"{PREFIX}/conversations/{key}?error={code}")
                if done == "deleted":
                    return _redirect(f"{PREFIX}/?done=deleted")
                return _redirect(f"{PREFIX}/conversations/{key}?done={done}")

        return decorate

    @edit("status", "set_status")
    async def set_status(sender: str, key: str, user: User, request: Request) -> str:
        await portal.run(review.set_status, portal.engine, sender, key, form_value(request, "status"), user.name)
        return "status"

    @edit("tags", "add_tag")
    async def add_tag(sender: str, key: str, user: User, request: Request) -> str:
        await portal.run(review.add_tag, portal.engine, sender, key, form_value(request, "tag"), user.name)
        return "tag"

    @edit("tags/remove", "remove_tag")
    async def remove_tag(sender: str, key: str, user: User, request: Request) -> str:
        await portal.run(review.remove_tag, portal.engine, sender, key, form_value(request, "tag"), user.name)
        return "untag"

    @edit("notes", "add_note")
    async def add_note(sender: str, key: str, user: User, request: Request) -> str:
        await portal.run(review.add_note, portal.engine, sender, key, form_value(request, "text"), user.name)
        return "note"

    @edit("delete", "delete_conversation", role="admin")
    async def delete(sender: str, key: str, user: User, request: Request) -> str:
        if form_value(request, "confirm").strip().lower() != "delete":
            raise ReviewError("confirm", "type delete to confirm")
        await portal.run(purge.delete_one, portal.engine, sender, key, user.name)
        return "deleted"


ERRORS = {
    "tag": "A tag is 1 to 40 letters, digits, spaces, dashes or underscores.",
    "note": "A note cannot be empty and has at most 4000 characters.",
    "status": "Unknown review status.",
    "confirm": "Type delete in the box to confirm deleting this conversation.",
    "invalid": "That change was not accepted.",
}


def _redirect(location: str) -> HTTPResponse:
    return add_security_headers(response.redirect(location, status=303))


def _record_view(portal: Portal, user: User, key: str) -> None:
    with portal.engine.begin() as connection:
        audit.record(connection, user.name, "view_transcript", key)
