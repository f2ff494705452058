#!/usr/bin/env bash
# Integration: bounded resources. `frontdesk serve --demo` is attacked as a hostile client would: large unauthenticated
# webhook posts, large signed Mailgun posts, 300 slow connections from many loopback addresses and a client sending one
# byte every 10 s. limits_test.py prints the figures (RSS before and after, /healthz latency under load, when the slow
# sender was cut off) and exits non-zero when a bound is exceeded. Takes about a minute.
# Run from anywhere after `swift build`.
exec bash "$(dirname "$0")/../lib/drive_serve.sh" limits.sh scripts/integration/limits_test.py
