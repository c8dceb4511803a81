#!/usr/bin/env python3
"""The comparison baseline of issue 6: a straightforward Python verifier of a sel.audit/1 log.

Written plainly, as a security engineer would hand-roll it: read line by line, json.loads,
re-serialise with sorted keys (json.dumps) and compare with the line, SHA-256 (hashlib) of
the event without "hash" and of the request, and per-chain seq / prev_hash linkage. It checks
less than sel (no schema, no UTF-16 key order, no number-form rules, no reorder window, no
forks) and is still the figure a nightly job would otherwise run.

    python3 bench/baseline.py FILE

prints one JSON line: {"events", "bytes", "seconds", "problems", "maxRssBytes"}.
"""
import hashlib
import json
import resource
import sys
import time

GENESIS = "sha256:" + "0" * 64


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text):
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(path):
    started = time.perf_counter()
    events = 0
    size = 0
    problems = 0
    heads = {}  # chain -> (next seq, hash of the last event)
    with open(path, "rb") as log:
        for raw in log:
            size += len(raw)
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if not line:
                continue
            try:
                text = line.decode("utf-8")
                event = json.loads(text)
            except ValueError:
                problems += 1
                continue
            if not isinstance(event, dict):
                problems += 1
                continue
            if canonical(event) != text:
                problems += 1
            if event.get("v") != "sel.audit/1":
                problems += 1
            claimed = event.pop("hash", None)
            if digest(canonical(event)) != claimed:
                problems += 1
            if digest(canonical(event.get("request"))) != event.get("request_fingerprint"):
                problems += 1
            chain = event.get("chain")
            expected_seq, last_hash = heads.get(chain, (0, GENESIS))
            if event.get("seq") != expected_seq or event.get("prev_hash") != last_hash:
                problems += 1
            heads[chain] = (expected_seq + 1, claimed)
            events += 1
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"events": events, "bytes": size, "seconds": seconds, "problems": problems, "maxRssBytes": rss}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python3 bench/baseline.py FILE\n")
        sys.exit(2)
    print(json.dumps(verify(sys.argv[1])))
