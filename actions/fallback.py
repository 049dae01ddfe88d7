"""action_fallback: the NLU was unsure. The reply is composed in one place (bot.composer via action_reply)."""

from __future__ import annotations

from actions.reply import ActionReply


class ActionFallback(ActionReply):
    def name(self) -> str:
        return "action_fallback"
