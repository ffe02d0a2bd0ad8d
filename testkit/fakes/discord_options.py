"""A slash command's options as Discord's client sends them, built from the command's synced definition:
each value with its option's type (string 3, integer 4, boolean 5, user 6, role 8, mentionable 9,
number 10), and the users, members and roles it names in `resolved` (members without their `user`,
as Discord sends them there).

Discord's client only lets a member send what the definition allows, so what it would never send is
refused here (OptionRefused): an option the command does not have, a required one left out, a value
of the wrong kind, one outside the option's choices, lengths or range.
"""

from __future__ import annotations

from typing import Any

STRING, INTEGER, BOOLEAN, USER, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 8, 9, 10


class OptionRefused(ValueError):
    """Discord's client would not send this command."""


def _is_user(value: Any) -> bool:
    return isinstance(value, dict) and "username" in value


def _is_role(value: Any) -> bool:
    return isinstance(value, dict) and "permissions" in value and "username" not in value


def _checked(option: dict[str, Any], value: Any) -> Any:
    """The value as sent for `option` (a user or role: its id); raises OptionRefused."""
    kind, name = option["type"], option["name"]
    if kind == STRING:
        if not isinstance(value, str) or not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
            raise OptionRefused(f"{name}: not a string of the allowed length: {value!r}")
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise OptionRefused(f"{name}: not a boolean: {value!r}")
    elif kind in (INTEGER, NUMBER):
        if isinstance(value, bool) or not isinstance(value, int if kind == INTEGER else (int, float)):
            raise OptionRefused(f"{name}: not a {'whole ' if kind == INTEGER else ''}number: {value!r}")
        if not option.get("min_value", -2**53) <= value <= option.get("max_value", 2**53):
            raise OptionRefused(f"{name}: {value!r} is outside the option's range")
    elif kind in (USER, ROLE, MENTIONABLE):
        allowed = {USER: _is_user(value), ROLE: _is_role(value), MENTIONABLE: _is_user(value) or _is_role(value)}
        if not allowed[kind]:
            raise OptionRefused(f"{name}: not a {'user' if kind == USER else 'role' if kind == ROLE else 'mentionable'}")
        return value["id"]
    else:
        raise OptionRefused(f"{name}: option type {kind} is not known to this fake")
    if option.get("choices") and value not in [c["value"] for c in option["choices"]]:
        raise OptionRefused(f"{name}: {value!r} is not one of the option's choices")
    return value


def _resolve(value: dict[str, Any], resolved: dict[str, dict[str, Any]]) -> None:
    if _is_user(value):
        resolved.setdefault("users", {})[value["id"]] = value
        resolved.setdefault("members", {})[value["id"]] = {
            "roles": [], "nick": None, "avatar": None, "premium_since": None, "joined_at": "2024-01-01T00:00:00+00:00",
            "pending": False, "flags": 0, "permissions": "0"}
    else:
        resolved.setdefault("roles", {})[value["id"]] = value


def typed_options(definition: dict[str, Any], values: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(options, resolved) of the data of the command `definition` (as synced) used with `values` by
    option name (a user or role given as its API object). Raises OptionRefused."""
    known = {o["name"]: o for o in definition.get("options") or []}
    if unknown := set(values) - set(known):
        raise OptionRefused(f"/{definition['name']} has no option {sorted(unknown)}")
    if missing := [n for n, o in known.items() if o.get("required") and n not in values]:
        raise OptionRefused(f"/{definition['name']} requires {missing}")
    options, resolved = [], {}
    for name, value in values.items():
        option = known[name]
        options.append({"type": option["type"], "name": name, "value": _checked(option, value)})
        if option["type"] in (USER, ROLE, MENTIONABLE):
            _resolve(value, resolved)
    return options, resolved
