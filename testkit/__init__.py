"""What the tests and the benchmarks share: real protocol fakes of Slack, Discord, an
OpenAI-compatible server and an export server, and helpers that build exports and drive them.
Not part of the installed package."""
