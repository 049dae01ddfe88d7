"""Natural language generator that fills responses from the guidance file.

domain.yml responses name guidance items ("guidance:safety_line"); this runs
inside the Rasa server, so responses sent by rules (the emergency text) never
depend on the action server.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Dict, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.composer import LEVEL_FIELD, level_of
from bot.guidance import load_guidance
from bot.guidance.loader import REFERENCE
from bot.replies import KEYS_FIELD

logger = logging.getLogger(__name__)


def expand_response(response: Dict[str, Any]) -> Dict[str, Any]:
    """Replace guidance references in a response's text and button titles."""
    guidance = load_guidance()
    response = copy.deepcopy(response)
    if isinstance(response.get("text"), str):
        response[KEYS_FIELD] = REFERENCE.findall(response["text"])
        response[LEVEL_FIELD] = level_of(response[KEYS_FIELD])
        response["text"] = guidance.expand(response["text"])
    for button in response.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = guidance.expand(button["title"])
    return response


class GuidanceNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Templated responses whose wording comes from bot/guidance/guidance.yml."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> Optional[Dict[str, Any]]:
        response = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if response is None:
            return None
        try:
            return expand_response(response)
        except KeyError:
            logger.exception("response %s names a guidance item that does not exist", utter_action)
            return {"text": load_guidance().text("failure")}
