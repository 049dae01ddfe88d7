/*
 * Parent chat widget for the fever and sepsis assistant.
 *
 * Embed it with one container and one script tag:
 *   <div id="sepsis-chat" data-rasa-url="https://rasa.example.org"></div>
 *   <script src="https://chat.example.org/static/widget.js" defer></script>
 * It loads widget.css and the socket.io client from the same folder as this file
 * and talks to Rasa's socket.io channel (session_request / session_confirm,
 * user_uttered / bot_uttered).
 *
 * Safety rules kept here:
 * - message data is only ever put on the page with textContent, never as markup;
 * - a message is styled by the level the bot tags it with, never by its wording;
 * - the 999 / 111 call bar is always on screen, whatever the connection does;
 * - when the connection drops (or no reply comes), the parent is told to call
 *   999 or 111 if worried, while the widget reconnects by itself.
 */
(function () {
  "use strict";

  var CONTAINER_ID = "sepsis-chat";
  var STORAGE_PREFIX = "sepsis-chat:v1:";
  var MAX_STORED_MESSAGES = 300;
  var NO_REPLY_MS = 30000;
  // What a bot message expresses, as the bot tags it (`level` in each bot_uttered).
  var LEVELS = ["emergency", "urgent", "advice", "info", "none"];
  var COPIED_MS = 5000;
  // The same fixed line as `safety_line` in bot/guidance/guidance.yml (a test keeps them equal).
  var SAFETY_LINE = "If you are worried about a child right now: in an emergency call 999, otherwise call NHS 111.";
  // The same text as `chat.greet` in bot/guidance/guidance.yml (a test keeps them equal).
  var GREETING =
    "Hello. I can help you spot the signs of sepsis and serious illness in a child with a fever, and tell you when to get help. Tell me what is happening, or ask a question.";
  var TEXT = {
    region: "Chat about fever and sepsis in children",
    callBar: "Urgent help by phone",
    call999: "Call 999",
    call999Detail: "Emergency",
    call111: "Call 111",
    call111Detail: "NHS 111: urgent advice",
    title: "Chat",
    newChat: "Start a new chat",
    newChatDone: "New chat started.",
    log: "Conversation",
    you: "You said: ",
    assistant: "The assistant said: ",
    emergency: "Emergency",
    emergencyCall: "Call 999 now",
    emergencyAnnounce: "Emergency. ",
    urgent: "Urgent advice",
    handover: "Details to give",
    copy: "Copy",
    copied: "Copied",
    copyFailed: "Could not copy. The details are selected: copy them from your device's menu.",
    share: "Share",
    film: "NHS film",
    watch: "Watch the film",
    newTab: " (opens in a new tab)",
    replies: "Suggested replies",
    typing: "The assistant is typing",
    label: "Type your message",
    hint: "Press Enter to send. Press Shift and Enter for a new line.",
    send: "Send",
    offline:
      "You are not connected to the chat at the moment. We are trying to reconnect, and your messages will be sent when the connection is back. " +
      SAFETY_LINE,
    noReply: "No reply has come yet. " + SAFETY_LINE,
    noAddress: "The chat is not set up on this page (no data-rasa-url). " + SAFETY_LINE,
  };

  var script = document.currentScript;
  var BASE = new URL(".", script && script.src ? script.src : window.location.href).href;

  // --- small helpers ---------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el("span", "sc-sr-only", text);
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function safeHttpUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // Only a level the bot sent counts; a message without one is a plain message.
  function levelFrom(value) {
    return typeof value === "string" && LEVELS.indexOf(value) >= 0 ? value : "none";
  }

  function externalLink(href, text, className) {
    var link = el("a", className, text);
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(srOnly(TEXT.newTab));
    return link;
  }

  // Text with its web addresses made into links; every piece goes in as text.
  function textWithLinks(text) {
    var paragraph = el("p", "sc-text");
    var parts = String(text).split(/(https?:\/\/[^\s<>"']+)/);
    parts.forEach(function (part, index) {
      if (index % 2 === 0) {
        if (part) paragraph.appendChild(document.createTextNode(part));
        return;
      }
      var trailing = (part.match(/[.,;:!?)]+$/) || [""])[0];
      var address = part.slice(0, part.length - trailing.length);
      var href = safeHttpUrl(address);
      paragraph.appendChild(href ? externalLink(href, address, "sc-link") : document.createTextNode(address));
      if (trailing) paragraph.appendChild(document.createTextNode(trailing));
    });
    return paragraph;
  }

  function cleanButtons(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string" && b.title.trim();
      })
      .map(function (b) {
        return { title: b.title, payload: b.payload };
      });
  }

  // A card comes as the bot_uttered data itself, or as its `custom` field.
  function cardOf(data, type) {
    if (data.type === type) return data;
    return data.custom && typeof data.custom === "object" && data.custom.type === type ? data.custom : null;
  }

  function filmFrom(data) {
    var card = cardOf(data, "film_card");
    if (!card || typeof card.title !== "string") return null;
    return {
      title: card.title,
      audience: typeof card.audience === "string" ? card.audience : "",
      url: safeHttpUrl(card.url),
      text: typeof card.text === "string" ? card.text : "",
    };
  }

  function handoverFrom(data) {
    var card = cardOf(data, "handover_card");
    if (!card || typeof card.title !== "string" || !Array.isArray(card.lines)) return null;
    var lines = card.lines.filter(function (line) {
      return typeof line === "string" && line.trim();
    });
    var text = typeof card.text === "string" && card.text.trim() ? card.text : [card.title].concat(lines).join("\n");
    return { title: card.title, lines: lines, text: text, level: levelFrom(card.level || data.level) };
  }

  // --- the transcript kept on this device -------------------------------------

  function Store(rasaUrl) {
    this.key = STORAGE_PREFIX + rasaUrl;
  }
  Store.prototype.load = function () {
    try {
      var saved = JSON.parse(window.localStorage.getItem(this.key));
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) return saved;
    } catch (error) {
      /* storage blocked or damaged: start afresh */
    }
    return { sessionId: newSessionId(), messages: [] };
  };
  Store.prototype.save = function (state) {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      window.localStorage.setItem(this.key, JSON.stringify(state));
    } catch (error) {
      /* storage full or blocked: the chat still works, without history */
    }
  };

  // --- the widget --------------------------------------------------------------

  function Widget(container) {
    this.container = container;
    this.rasaUrl = safeHttpUrl(container.getAttribute("data-rasa-url") || "");
    this.store = new Store(this.rasaUrl || "none");
    this.state = this.store.load();
    this.socket = null;
    this.turnStart = null;
    this.pending = [];
    this.noReplyTimer = null;
    this.notice = null; // "offline" | "noReply" | null
    this.announcedThisTurn = false;
    this.build();
  }

  Widget.prototype.build = function () {
    var suffix = newSessionId().slice(0, 8);
    var root = el("section", "sc-widget");
    root.setAttribute("aria-label", TEXT.region);
    root.setAttribute("data-connection", "connecting");
    this.root = root;

    this.callBar = this.buildCallBar();
    root.appendChild(this.callBar);

    var head = el("div", "sc-head");
    head.appendChild(el("p", "sc-title", TEXT.title));
    var newChat = el("button", "sc-new", TEXT.newChat);
    newChat.type = "button";
    newChat.addEventListener("click", this.startAgain.bind(this));
    head.appendChild(newChat);
    root.appendChild(head);

    this.noticeBox = el("div", "sc-notice");
    this.noticeBox.setAttribute("role", "alert");
    this.noticeBox.hidden = true;
    root.appendChild(this.noticeBox);

    this.log = el("div", "sc-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", TEXT.log);
    this.log.tabIndex = 0;
    root.appendChild(this.log);

    this.typing = el("div", "sc-typing");
    this.typing.setAttribute("aria-hidden", "true");
    this.typing.appendChild(el("span", "sc-typing-text", TEXT.typing));
    var dots = el("span", "sc-dots");
    for (var i = 0; i < 3; i += 1) dots.appendChild(el("span", "sc-dot"));
    this.typing.appendChild(dots);
    this.typing.hidden = true;
    root.appendChild(this.typing);

    this.replies = el("div", "sc-replies");
    this.replies.setAttribute("role", "group");
    this.replies.setAttribute("aria-label", TEXT.replies);
    this.replies.hidden = true;
    root.appendChild(this.replies);

    root.appendChild(this.buildForm(suffix));

    this.assertive = el("div", "sc-sr-only");
    this.assertive.setAttribute("aria-live", "assertive");
    this.assertive.setAttribute("aria-atomic", "true");
    root.appendChild(this.assertive);
    this.status = el("div", "sc-sr-only");
    this.status.setAttribute("role", "status");
    root.appendChild(this.status);

    this.renderHistory();
    this.container.textContent = "";
    this.container.appendChild(root);
    this.scrollToEnd();
    this.reserveRoomForCallBar();
    if (!this.rasaUrl) this.showNotice("noAddress");
  };

  Widget.prototype.buildCallBar = function () {
    var bar = el("nav", "sc-callbar");
    bar.setAttribute("aria-label", TEXT.callBar);
    [
      ["tel:999", "sc-call sc-call-999", TEXT.call999, TEXT.call999Detail],
      ["tel:111", "sc-call sc-call-111", TEXT.call111, TEXT.call111Detail],
    ].forEach(function (item) {
      var link = el("a", item[1]);
      link.href = item[0];
      link.appendChild(el("span", "sc-call-main", item[2]));
      link.appendChild(el("span", "sc-call-detail", item[3]));
      bar.appendChild(link);
    });
    return bar;
  };

  Widget.prototype.buildForm = function (suffix) {
    var self = this;
    var form = el("form", "sc-form");
    form.noValidate = true;
    var inputId = "sc-input-" + suffix;
    var hintId = "sc-hint-" + suffix;
    var label = el("label", "sc-label", TEXT.label);
    label.htmlFor = inputId;
    form.appendChild(label);
    var row = el("div", "sc-row");
    this.input = el("textarea", "sc-input");
    this.input.id = inputId;
    this.input.rows = 2;
    this.input.setAttribute("aria-describedby", hintId);
    this.input.setAttribute("autocomplete", "off");
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : self.submit();
      }
    });
    row.appendChild(this.input);
    var send = el("button", "sc-send", TEXT.send);
    send.type = "submit";
    row.appendChild(send);
    form.appendChild(row);
    form.appendChild(el("p", "sc-hint", TEXT.hint)).id = hintId;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
    return form;
  };

  // The call bar stays fixed at the bottom of the screen: keep the page's own
  // content (and anything focused) clear of it, at any text size.
  Widget.prototype.reserveRoomForCallBar = function () {
    var bar = this.callBar;
    var body = document.body;
    var basePadding = parseFloat(window.getComputedStyle(body).paddingBottom) || 0;
    function update() {
      var height = bar.getBoundingClientRect().height;
      body.style.paddingBottom = basePadding + height + "px";
      document.documentElement.style.scrollPaddingBottom = height + 16 + "px";
    }
    update();
    if (window.ResizeObserver) new window.ResizeObserver(update).observe(bar);
    else window.addEventListener("resize", update);
  };

  // --- messages --------------------------------------------------------------

  Widget.prototype.renderHistory = function () {
    this.log.appendChild(this.messageNode({ from: "bot", text: GREETING }));
    var messages = this.state.messages;
    for (var i = 0; i < messages.length; i += 1) {
      var node = this.messageNode(messages[i]);
      if (node) this.log.appendChild(node);
    }
    var last = messages[messages.length - 1];
    if (last && last.from === "bot" && last.buttons) this.showReplies(cleanButtons(last.buttons));
    this.scrollToEnd();
  };

  Widget.prototype.messageNode = function (entry) {
    if (!entry || typeof entry.text !== "string") return null;
    if (entry.from === "user") {
      var mine = el("div", "sc-msg sc-user");
      mine.appendChild(srOnly(TEXT.you));
      mine.appendChild(el("p", "sc-text", entry.text));
      return mine;
    }
    var level = levelFrom(entry.level);
    if (entry.film) return this.filmNode(entry.film);
    if (entry.handover) return this.handoverNode(entry.handover, entry.text, level);
    var node = el("div", "sc-msg sc-bot");
    node.setAttribute("data-level", level);
    node.appendChild(srOnly(TEXT.assistant));
    if (level === "emergency") {
      node.classList.add("sc-emergency");
      node.appendChild(el("p", "sc-emergency-label", TEXT.emergency));
    } else if (level === "urgent") {
      node.classList.add("sc-urgent");
      node.appendChild(el("p", "sc-urgent-label", TEXT.urgent));
    }
    node.appendChild(textWithLinks(entry.text));
    if (level === "emergency") {
      var call = el("a", "sc-emergency-call", TEXT.emergencyCall);
      call.href = "tel:999";
      node.appendChild(call);
    }
    return node;
  };

  Widget.prototype.filmNode = function (film) {
    var node = el("div", "sc-msg sc-bot sc-film");
    node.appendChild(srOnly(TEXT.assistant));
    node.appendChild(el("p", "sc-film-label", TEXT.film));
    node.appendChild(el("p", "sc-film-title", film.title));
    if (film.audience) node.appendChild(el("p", "sc-film-audience", film.audience));
    var href = safeHttpUrl(film.url);
    if (href) node.appendChild(externalLink(href, TEXT.watch + ": " + film.title, "sc-film-link"));
    return node;
  };

  // The details a parent reads out (or sends) to 999, 111 or a GP: a list, with Copy and Share.
  Widget.prototype.handoverNode = function (card, text, level) {
    var self = this;
    var node = el("div", "sc-msg sc-bot sc-handover");
    node.setAttribute("data-level", level);
    if (level === "emergency" || level === "urgent") node.classList.add("sc-handover-" + level);
    node.appendChild(srOnly(TEXT.assistant));
    node.appendChild(el("p", "sc-handover-title", card.title));
    var list = el("ul", "sc-handover-lines");
    card.lines.forEach(function (line) {
      list.appendChild(el("li", null, line));
    });
    node.appendChild(list);
    var actions = el("div", "sc-handover-actions");
    var copy = el("button", "sc-action", TEXT.copy);
    copy.type = "button";
    copy.setAttribute("aria-label", TEXT.copy + ": " + card.title);
    var done = el("span", "sc-copied");
    copy.addEventListener("click", function () {
      self.copyCard(text, list, done);
    });
    actions.appendChild(copy);
    if (typeof window.navigator.share === "function") {
      var share = el("button", "sc-action", TEXT.share);
      share.type = "button";
      share.setAttribute("aria-label", TEXT.share + ": " + card.title);
      share.addEventListener("click", function () {
        window.navigator.share({ title: card.title, text: text }).catch(function () {
          /* the parent closed the share sheet */
        });
      });
      actions.appendChild(share);
    }
    actions.appendChild(done);
    node.appendChild(actions);
    return node;
  };

  Widget.prototype.copyCard = function (text, list, done) {
    var self = this;
    function tell(outcome) {
      done.textContent = outcome;
      announce(self.status, outcome);
      window.clearTimeout(self.copiedTimer);
      if (outcome !== TEXT.copied) return;
      self.copiedTimer = window.setTimeout(function () {
        done.textContent = "";
      }, COPIED_MS);
    }
    var clipboard = window.navigator.clipboard;
    var copying = clipboard && clipboard.writeText ? clipboard.writeText(text) : Promise.reject();
    copying.then(
      function () {
        tell(TEXT.copied);
      },
      function () {
        if (copyWithSelection(text)) {
          tell(TEXT.copied);
          return;
        }
        // Last resort: select the details, so that the device's own Copy can take them.
        window.getSelection().selectAllChildren(list);
        tell(TEXT.copyFailed);
      }
    );
  };

  // Where the Clipboard API is missing or refused (an old browser, a page without https).
  function copyWithSelection(text) {
    var focused = document.activeElement;
    var area = el("textarea", "sc-sr-only");
    area.value = text;
    area.setAttribute("readonly", "");
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    if (focused && focused.focus) focused.focus();
    return copied;
  }

  Widget.prototype.add = function (entry) {
    var node = this.messageNode(entry);
    if (!node) return null;
    this.state.messages.push(entry);
    this.store.save(this.state);
    this.log.appendChild(node);
    if (entry.from === "user") {
      this.turnStart = null;
      this.announcedThisTurn = false;
      this.scrollToEnd();
    } else if (!this.turnStart) {
      this.turnStart = node;
    }
    return node;
  };

  // A card arrives after its plain-text summary (when both are sent): the card replaces the text.
  Widget.prototype.addCard = function (entry) {
    var messages = this.state.messages;
    var last = messages[messages.length - 1];
    if (last && last.from === "bot" && !last.film && !last.handover && last.text === entry.text) {
      messages.pop();
      if (this.turnStart === this.log.lastChild) this.turnStart = null;
      this.log.removeChild(this.log.lastChild);
    }
    this.add(entry);
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  // A reply can be several messages; its first one (the 999 text, in an emergency) must not be
  // pushed out of sight by the ones after it. The log shows the reply from its start, and the
  // page scrolls so that the start is on screen, with as much of the widget below it as fits
  // (the quick replies and the message box), above the fixed call bar.
  Widget.prototype.keepReplyInView = function () {
    var start = this.turnStart;
    if (!start) return;
    var top = start.offsetTop - 12; // the log is the offsetParent (position: relative)
    this.log.scrollTop = Math.min(top, this.log.scrollHeight - this.log.clientHeight);
    var margin = 8;
    var screenBottom = window.innerHeight - this.callBar.getBoundingClientRect().height;
    var startTop = start.getBoundingClientRect().top;
    var widgetBottom = this.root.getBoundingClientRect().bottom;
    var scrollBy = Math.min(Math.max(widgetBottom - screenBottom, 0), startTop - margin);
    if (startTop - scrollBy > screenBottom - 3 * margin) scrollBy = startTop - margin;
    if (Math.abs(scrollBy) >= 1) window.scrollBy(0, scrollBy);
  };

  Widget.prototype.showReplies = function (buttons) {
    var self = this;
    this.replies.textContent = "";
    buttons.forEach(function (button) {
      var node = el("button", "sc-reply", button.title);
      node.type = "button";
      node.addEventListener("click", function () {
        self.send(button.payload, button.title);
        self.input.focus();
      });
      self.replies.appendChild(node);
    });
    this.replies.hidden = buttons.length === 0;
  };

  Widget.prototype.clearReplies = function () {
    this.replies.textContent = "";
    this.replies.hidden = true;
    var last = this.state.messages[this.state.messages.length - 1];
    if (last && last.buttons) {
      delete last.buttons;
      this.store.save(this.state);
    }
  };

  // --- sending and receiving --------------------------------------------------

  Widget.prototype.submit = function () {
    var text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    this.input.value = "";
    this.send(text);
  };

  Widget.prototype.send = function (message, shown) {
    message = String(message).trim();
    if (!message) return;
    this.clearReplies();
    this.add({ from: "user", text: shown || message });
    this.emit("user_uttered", { message: message, session_id: this.state.sessionId });
    if (this.socket && this.socket.connected) this.waitForReply();
  };

  // Messages typed while offline wait here, and go out after session_request on reconnect
  // (so that the replies come back to this page's room).
  Widget.prototype.emit = function (event, data) {
    if (this.socket && this.socket.connected) this.socket.emit(event, data);
    else this.pending.push([event, data]);
  };

  Widget.prototype.waitForReply = function () {
    var self = this;
    this.typing.hidden = false;
    window.clearTimeout(this.noReplyTimer);
    this.noReplyTimer = window.setTimeout(function () {
      self.typing.hidden = true;
      if (self.notice !== "offline") self.showNotice("noReply");
    }, NO_REPLY_MS);
  };

  Widget.prototype.receive = function (data) {
    if (!data || typeof data !== "object") return;
    window.clearTimeout(this.noReplyTimer);
    this.typing.hidden = true;
    if (this.notice === "noReply") this.hideNotice();
    var entry = this.entryFrom(data);
    if (!entry) return;
    if (entry.film || entry.handover) this.addCard(entry);
    else this.add(entry);
    if (!entry.film) this.showReplies(entry.buttons || []);
    this.keepReplyInView();
    // Once a reply: a second assertive announcement would cut the first (the 999 text) short.
    if (entry.level === "emergency" && !this.announcedThisTurn) {
      this.announcedThisTurn = true;
      announce(this.assertive, TEXT.emergencyAnnounce + entry.text);
    }
  };

  // What is kept of a bot_uttered (and stored on this device): text, level, buttons, card.
  Widget.prototype.entryFrom = function (data) {
    var film = filmFrom(data);
    if (film) return { from: "bot", text: film.text || film.title, film: film };
    var handover = handoverFrom(data);
    var entry;
    if (handover) {
      entry = { from: "bot", text: handover.text, handover: { title: handover.title, lines: handover.lines } };
      entry.level = handover.level;
    } else {
      if (typeof data.text !== "string" || !data.text.trim()) return null;
      entry = { from: "bot", text: data.text, level: levelFrom(data.level) };
      var buttons = cleanButtons(data.quick_replies || data.buttons);
      if (buttons.length) entry.buttons = buttons;
    }
    if (entry.level === "none") delete entry.level;
    return entry;
  };

  // Clear, then fill: a live region announces a change, even to the same words as before.
  function announce(region, text) {
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  Widget.prototype.showNotice = function (kind) {
    this.notice = kind;
    this.noticeBox.textContent = TEXT[kind];
    this.noticeBox.hidden = false;
  };

  Widget.prototype.hideNotice = function () {
    this.notice = null;
    this.noticeBox.hidden = true;
    this.noticeBox.textContent = "";
  };

  Widget.prototype.startAgain = function () {
    this.state = { sessionId: newSessionId(), messages: [] };
    this.store.save(this.state);
    this.pending = [];
    window.clearTimeout(this.noReplyTimer);
    this.typing.hidden = true;
    this.log.textContent = "";
    this.turnStart = null;
    this.clearReplies();
    this.renderHistory();
    if (this.notice === "noReply") this.hideNotice();
    if (this.socket && this.socket.connected) this.socket.emit("session_request", { session_id: this.state.sessionId });
    announce(this.status, TEXT.newChatDone);
    this.input.focus();
  };

  Widget.prototype.connect = function (io) {
    var self = this;
    if (!this.rasaUrl) return;
    // WebSocket only: the Rasa server runs several worker processes (RASA_WORKERS), and
    // socket.io's long-polling would send each poll to any of them; one WebSocket stays
    // with the worker that opened it.
    var socket = io(this.rasaUrl, { path: "/socket.io", transports: ["websocket"] });
    socket.on("connect", function () {
      self.root.setAttribute("data-connection", "connected");
      if (self.notice === "offline") self.hideNotice();
      socket.emit("session_request", { session_id: self.state.sessionId });
      var waiting = self.pending.splice(0);
      waiting.forEach(function (item) {
        socket.emit(item[0], item[1]);
      });
      if (waiting.length) self.waitForReply();
    });
    socket.on("session_confirm", function (sessionId) {
      var id = sessionId && typeof sessionId === "object" ? sessionId.session_id : sessionId;
      if (typeof id === "string" && id && id !== self.state.sessionId && !self.state.messages.length) {
        self.state.sessionId = id;
        self.store.save(self.state);
      }
    });
    socket.on("bot_uttered", function (data) {
      self.receive(data);
    });
    socket.on("disconnect", function (reason) {
      self.root.setAttribute("data-connection", "offline");
      self.typing.hidden = true;
      self.showNotice("offline");
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("connect_error", function () {
      self.root.setAttribute("data-connection", "offline");
      self.showNotice("offline");
    });
    this.socket = socket;
  };

  // --- loading -----------------------------------------------------------------

  function loadStyles() {
    return new Promise(function (resolve) {
      var href = BASE + "widget.css";
      if (document.querySelector('link[href="' + href + '"]')) return resolve();
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = link.onerror = function () {
        resolve();
      };
      document.head.appendChild(link);
    });
  }

  function loadSocketIo() {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = BASE + "vendor/socket.io.min.js";
      tag.onload = function () {
        resolve(window.io);
      };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function start() {
    var container = document.getElementById(CONTAINER_ID);
    if (!container || container.getAttribute("data-sc-started")) return;
    container.setAttribute("data-sc-started", "true");
    loadStyles().then(function () {
      var widget = new Widget(container);
      window.sepsisChat = widget;
      loadSocketIo().then(
        function (io) {
          widget.connect(io);
        },
        function () {
          widget.showNotice("offline");
        }
      );
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
