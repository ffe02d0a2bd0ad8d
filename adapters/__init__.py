"""Chat platform adapters: each turns its platform's events into bot.types.Question, calls the core and
renders the Answer. The core never imports them."""
