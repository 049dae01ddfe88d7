"""The parent web chat: a page (`/`) and an embeddable widget (static/widget.js) that
talks to the Rasa socket.io channel. Run it with `python -m bot.web`."""
