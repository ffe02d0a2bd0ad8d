"""Helpers of the robustness tests and benchmark: private Redis servers, fault injection, load."""
