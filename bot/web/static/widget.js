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

  function isEmergency(text) {
    return /^\s*Call 999/.test(text);
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

  function filmFrom(data) {
    var card = data.type === "film_card" ? data : data.custom && data.custom.type === "film_card" ? data.custom : null;
    if (!card || typeof card.title !== "string") return null;
    return {
      title: card.title,
      audience: typeof card.audience === "string" ? card.audience : "",
      url: safeHttpUrl(card.url),
      text: typeof card.text === "string" ? card.text : "",
    };
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
    if (entry.film) return this.filmNode(entry.film);
    var emergency = isEmergency(entry.text);
    var node = el("div", emergency ? "sc-msg sc-bot sc-emergency" : "sc-msg sc-bot");
    node.appendChild(srOnly(TEXT.assistant));
    if (emergency) node.appendChild(el("p", "sc-emergency-label", TEXT.emergency));
    node.appendChild(textWithLinks(entry.text));
    if (emergency) {
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

  Widget.prototype.add = function (entry) {
    var node = this.messageNode(entry);
    if (!node) return;
    this.state.messages.push(entry);
    this.store.save(this.state);
    this.log.appendChild(node);
    if (entry.from === "user") {
      this.turnStart = null;
      this.scrollToEnd();
      return;
    }
    if (!this.turnStart) this.turnStart = node;
    this.scrollToTurnStart();
  };

  // A reply can be several messages; its first one (the 999 text, in an emergency) must not be
  // pushed out of sight by the ones after it, so the log shows the reply from its start.
  Widget.prototype.scrollToTurnStart = function () {
    var top = this.turnStart.offsetTop - 12; // the log is the offsetParent (position: relative)
    this.log.scrollTop = Math.min(top, this.log.scrollHeight - this.log.clientHeight);
  };

  // A film arrives as its plain-text summary and then as a card: the card replaces the text.
  Widget.prototype.addFilm = function (film) {
    var messages = this.state.messages;
    var last = messages[messages.length - 1];
    if (last && last.from === "bot" && !last.film && film.text && last.text === film.text) {
      messages.pop();
      if (this.turnStart === this.log.lastChild) this.turnStart = null;
      this.log.removeChild(this.log.lastChild);
    }
    this.add({ from: "bot", text: film.text || film.title, film: film });
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
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
    var film = filmFrom(data);
    if (film) {
      this.addFilm(film);
      return;
    }
    if (typeof data.text !== "string" || !data.text.trim()) return;
    var buttons = cleanButtons(data.quick_replies || data.buttons);
    var entry = { from: "bot", text: data.text };
    if (buttons.length) entry.buttons = buttons;
    this.add(entry);
    this.showReplies(buttons);
    if (isEmergency(data.text)) announce(this.assertive, TEXT.emergencyAnnounce + data.text);
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
