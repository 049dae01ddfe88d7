"""action_escalate: after the fixed 999 text the Rasa server sent. The reply is composed in one place (bot.composer via action_reply)."""

from __future__ import annotations

from actions.reply import ActionReply


class ActionEscalate(ActionReply):
    def name(self) -> str:
        return "action_escalate"
