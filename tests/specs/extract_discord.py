#!/usr/bin/env python3
"""Extracts the subset of Discord's OpenAPI document the Discord adapter's tests check against.

Usage: python3 tests/specs/extract_discord.py /path/to/discord-openapi.json > tests/specs/discord-openapi-subset.json

Keeps only the operations netral's Discord adapter may call, only their JSON request bodies and
path/query parameters (responses are dropped), plus every component schema those reference.
"""
import json
import sys

OPERATIONS = [
    ("/gateway", "get"),
    ("/gateway/bot", "get"),
    ("/users/@me", "get"),
    ("/applications/@me", "get"),
    ("/applications/{application_id}/commands", "put"),
    ("/applications/{application_id}/guilds/{guild_id}/commands", "put"),
    ("/interactions/{interaction_id}/{interaction_token}/callback", "post"),
    ("/webhooks/{webhook_id}/{webhook_token}", "post"),
    ("/webhooks/{webhook_id}/{webhook_token}/messages/@original", "patch"),
    ("/channels/{channel_id}/messages", "post"),
    ("/channels/{channel_id}/typing", "post"),
]


def refs(node, out):
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str):
            out.add(r.rsplit("/", 1)[-1])
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def main():
    doc = json.load(open(sys.argv[1]))
    paths = {}
    for path, method in OPERATIONS:
        item = doc["paths"][path]
        op = dict(item[method])
        op.pop("responses", None)
        body = op.get("requestBody")
        if body:
            op["requestBody"] = {
                "required": body.get("required", False),
                "content": {"application/json": body["content"]["application/json"]},
            }
        entry = paths.setdefault(path, {})
        if "parameters" in item:
            entry["parameters"] = item["parameters"]
        entry[method] = op
    schemas = doc["components"]["schemas"]
    needed, todo = set(), set()
    refs(paths, todo)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        found = set()
        refs(schemas[name], found)
        todo |= found - needed
    subset = {
        "openapi": doc["openapi"],
        "info": doc["info"],
        "servers": doc["servers"],
        "paths": paths,
        "components": {"schemas": {k: schemas[k] for k in sorted(needed)}},
    }
    json.dump(subset, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
