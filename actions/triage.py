"""action_triage: the parent said something about the child. The reply is composed in one place (bot.composer via action_reply)."""

from __future__ import annotations

from actions.reply import ActionReply


class ActionTriage(ActionReply):
    def name(self) -> str:
        return "action_triage"
