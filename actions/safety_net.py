"""action_safety_net: thanks and goodbye. The reply is composed in one place (bot.composer via action_reply)."""

from __future__ import annotations

from actions.reply import ActionReply


class ActionSafetyNet(ActionReply):
    def name(self) -> str:
        return "action_safety_net"
