"""WhatsApp and SMS through Twilio: POST /webhooks/twilio/webhook.

Unlike Rasa's stock Twilio channel, every request's X-Twilio-Signature is
checked against the public URL Twilio called (403 otherwise, and nothing
reaches the bot); a message without a Body (a location, a photo) gets the
ask-for-text reply instead of a 500; the webhook answers at once with empty
TwiML and the replies go out through Twilio's REST API without blocking the
server.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import outbound
from bot.channels.flood import FloodGuard
from bot.channels.relay import Inbound, Relay
from bot.channels.render import SMS_LIMIT, WHATSAPP_LIMIT, split_text
from bot.channels.senders import log_id
from bot.channels.settings import DEFAULT_TWILIO_API, TwilioSettings, bare_number, flood_from_credentials
from bot.channels.shared_state import channel_memory, flood_guard

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
WHATSAPP_PREFIX = "whatsapp:"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TOO_LONG_ERROR = 21617  # Twilio: "The concatenated message body exceeds the 1600 character limit"


class FormParams(Dict[str, List[str]]):
    """Form fields with every value kept (blank ones too), as RequestValidator expects."""

    @classmethod
    def parse(cls, raw: bytes) -> FormParams:
        params = cls()
        for key, value in parse_qsl(raw.decode("utf8", errors="replace"), keep_blank_values=True):
            params.setdefault(key, []).append(value)
        return params

    def getall(self, key: str) -> List[str]:
        return self[key]

    def first(self, key: str) -> Optional[str]:
        values = self.get(key)
        return values[0] if values else None


def signature_url(configured: str, query_string: str) -> str:
    """The URL Twilio signed: the configured public URL, plus the query string it was called with."""
    if query_string and "?" not in configured:
        return f"{configured}?{query_string}"
    return configured


def service_of(sender: str) -> str:
    return "whatsapp" if sender.startswith(WHATSAPP_PREFIX) else "sms"


def reply_from(sender: str, inbound_to: Optional[str], number: str) -> str:
    """Answer from the number the parent wrote to (signed by Twilio), else the configured one."""
    if inbound_to:
        return inbound_to
    bare = bare_number(number)
    return f"{WHATSAPP_PREFIX}{bare}" if service_of(sender) == "whatsapp" else bare


class TwilioSender:
    """Sends reply parts through Twilio's Messages API, one part after the other."""

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self.url = f"{settings.api_base}/2010-04-01/Accounts/{settings.account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(settings.account_sid, settings.auth_token)

    async def _post(self, session: aiohttp.ClientSession, to: str, from_: str, body: str) -> outbound.ApiResult:
        form = {"To": to, "From": from_, "Body": body}
        return await outbound.post(session, self.url, f"Twilio to {log_id('twilio', to)}", form=form, auth=self.auth)

    async def send(self, to: str, from_: str, parts: List[str]) -> bool:
        all_sent = True
        async with aiohttp.ClientSession() as session:
            for part in parts:
                result = await self._post(session, to, from_, part)
                if not result.ok and isinstance(result.body, dict) and result.body.get("code") == TOO_LONG_ERROR:
                    # WhatsApp through Twilio may still hold to the SMS limit: resend in SMS-sized parts.
                    for piece in split_text(part, SMS_LIMIT):
                        all_sent = (await self._post(session, to, from_, piece)).ok and all_sent
                    continue
                all_sent = all_sent and result.ok
        return all_sent


class TwilioInput(InputChannel):
    """WhatsApp and SMS through Twilio, with signature checks and non-blocking replies."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        settings = TwilioSettings(
            account_sid=str(credentials["account_sid"]),
            auth_token=str(credentials["auth_token"]),
            number=str(credentials["twilio_number"]),
            webhook_url=str(credentials["webhook_url"]),
            api_base=str(credentials.get("api_base") or DEFAULT_TWILIO_API).rstrip("/"),
        )
        return cls(settings, flood_guard(flood_from_credentials(credentials)))

    def __init__(self, settings: TwilioSettings, flood: Optional[FloodGuard] = None) -> None:
        self.settings = settings
        self.flood = flood or FloodGuard()
        self.validator = RequestValidator(settings.auth_token)
        self.sender = TwilioSender(settings)

    def signed(self, request: Request, params: FormParams) -> bool:
        signature = request.headers.get("X-Twilio-Signature") or ""
        url = signature_url(self.settings.webhook_url, request.query_string)
        return bool(signature) and self.validator.validate(url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        seen, buttons = channel_memory()
        relay = Relay(on_new_message, self.flood, seen=seen, buttons=buttons)
        webhook = Blueprint(f"bot_twilio_{id(self)}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            raw = request.body or b""
            if len(raw) > MAX_BODY_BYTES:
                logger.warning("twilio webhook: body of %d bytes refused", len(raw))
                return response.text("request too large", status=413)
            params = FormParams.parse(raw)
            if not self.signed(request, params):
                logger.warning(
                    "twilio webhook: missing or wrong X-Twilio-Signature from %s; refused",
                    request.remote_addr or request.ip,
                )
                return response.text("forbidden", status=403)
            twiml = response.text(EMPTY_TWIML, content_type="text/xml")
            sender = params.first("From")
            if params.first("MessageStatus") or not sender:
                return twiml  # a delivery status callback, not a message from a parent
            if (params.first("OptOutType") or "").upper() == "STOP":
                logger.info("%s: opted out (STOP); Twilio confirms it, the bot stays quiet", log_id("twilio", sender))
                return twiml
            body = params.first("Body") or ""
            message_id = params.first("MessageSid") or params.first("SmsMessageSid") or hashlib.sha256(raw).hexdigest()
            service = service_of(sender)
            inbound = Inbound(
                channel=self.name(),
                service=service,
                raw_sender=sender,
                message_id=message_id,
                text=body if body.strip() else None,
                limit=WHATSAPP_LIMIT if service == "whatsapp" else SMS_LIMIT,
                supported=bool(body.strip()),
                metadata={"service": service},
            )
            from_ = reply_from(sender, params.first("To"), self.settings.number)

            async def deliver(parts: List[str]) -> bool:
                return await self.sender.send(sender, from_, parts)

            relay.accept(inbound, deliver)
            return twiml

        return webhook
