"""Two deliberate changes to Rasa 3.6 behaviour, in one place (imported by the channels).

1. Rasa waits up to 5 minutes for the action server; a parent must not. After
   ACTION_TIMEOUT_SECONDS the turn is answered by the reply guard (the emergency
   text never needs the action server).
2. Rasa rebuilds a JSON-schema validator for every custom-action response
   (about 17 ms a call, measured by `make bench`); the schema never changes, so
   it is built once. Same checks, same errors.
"""

from __future__ import annotations

import os
from typing import Any, Dict

import rasa.core.actions.action as rasa_actions
from jsonschema import ValidationError
from jsonschema.validators import validator_for

rasa_actions.DEFAULT_REQUEST_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10"))

_SCHEMA = rasa_actions.RemoteAction.action_response_format_spec()
_VALIDATOR = validator_for(_SCHEMA)(_SCHEMA)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    try:
        _VALIDATOR.validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            "Action endpoint is valid."
        )
        raise


rasa_actions.RemoteAction._validate_action_result = _validate_action_result
