#!/usr/bin/env python3
"""Extracts the subset of the Telegram Bot API spec that netral's tests validate against.

Usage: python3 tests/specs/extract_telegram.py ../shared/specs/telegram-bot-api.json \
           > tests/specs/telegram-bot-api.json

Keeps the methods the bot calls, every type their parameters reach (with the subtypes of
union types such as InlineQueryResult), and the types the fake server sends back
(Update and what it reaches), so both directions can be checked. Descriptions are dropped
except on fields, where they carry limits (e.g. "1-4096 characters").
"""
import json
import re
import sys

METHODS = [
    "getMe", "getWebhookInfo", "deleteWebhook", "setWebhook", "getUpdates", "sendMessage",
    "editMessageText", "setMyCommands", "answerCallbackQuery", "answerInlineQuery",
]
ROOT_TYPES = ["Update", "User", "WebhookInfo"]


def type_names(types):
    for t in types:
        while t.startswith("Array of "):
            t = t[len("Array of "):]
        yield t


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    all_types = spec["types"]
    wanted, todo = set(), list(ROOT_TYPES)
    methods = {}
    for name in METHODS:
        m = spec["methods"][name]
        methods[name] = {
            "name": name,
            "href": m["href"],
            "returns": m["returns"],
            "fields": m.get("fields", []),
        }
        for f in m.get("fields", []):
            todo.extend(type_names(f["types"]))
        todo.extend(type_names(m["returns"]))
    while todo:
        t = todo.pop()
        if t in wanted or t not in all_types:
            continue
        wanted.add(t)
        ty = all_types[t]
        for f in ty.get("fields", []):
            todo.extend(type_names(f["types"]))
        todo.extend(ty.get("subtypes", []))
    types = {}
    for t in sorted(wanted):
        ty = all_types[t]
        out = {"name": t, "href": ty["href"]}
        for k in ("fields", "subtypes", "subtype_of"):
            if k in ty:
                out[k] = ty[k]
        types[t] = out
    json.dump(
        {
            "source": "https://github.com/PaulSonOfLars/telegram-bot-api-spec (MIT licence)",
            "version": spec["version"],
            "release_date": spec["release_date"],
            "methods": methods,
            "types": types,
        },
        sys.stdout,
        ensure_ascii=False,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
