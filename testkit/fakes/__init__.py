"""Local fakes that speak the real protocols (HTTP, websockets) and refuse what the real services refuse."""
