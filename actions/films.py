"""action_films: the NHS films. The reply is composed in one place (bot.composer via action_reply)."""

from __future__ import annotations

from actions.reply import ActionReply


class ActionFilms(ActionReply):
    def name(self) -> str:
        return "action_films"
