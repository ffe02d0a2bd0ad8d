"""Slack adapter tests: the real slack-bolt AsyncApp against a fake Slack Web API and Socket Mode server."""
