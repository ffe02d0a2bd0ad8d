"""The Slack adapter: Slack events and slash commands in, bot.types.Question to the core, Answers out as
Block Kit. Modules: app (the AsyncApp and `serve`), handlers (events, feedback), commands (the slash
command), events (which messages are questions), replies (the work after the ack), streaming
(answers streamed with chat.startStream), progress (throttled edits), render and mrkdwn (Block Kit
and text within Slack's limits)."""
