#!/usr/bin/env python3
"""Reference speed on this machine: zapier's email_reply_parser (the fastest public parser the issue names,
50,000 messages/s on the machine the issue was measured on) over the same 810 corpus inputs Eval times.

Machines differ by a factor of two or three, so compare Eval's extraction figure with this one taken on the
same machine at the same time.

    pip install email_reply_parser      # test-only helper, never used by the product
    python3 Benchmarks/reference/zapier_throughput.py [--corpus DIR] [--rounds N]
"""
import argparse
import json
import os
import statistics
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "Tests", "Fixtures", "corpus", "email"))
parser.add_argument("--rounds", type=int, default=20)
args = parser.parse_args()

try:
    from email_reply_parser import EmailReplyParser
except ImportError:
    sys.exit("zapier_throughput: the reference parser is missing; run  pip install email_reply_parser")

files = ["reply_corpus.jsonl", "forward_corpus.jsonl", "reply_constraints.jsonl", "signature_corpus.jsonl"]
inputs = []
for name in files:
    path = os.path.join(args.corpus, name)
    if not os.path.exists(path):
        sys.exit(f"zapier_throughput: {path} not found (pass --corpus DIR)")
    with open(path, encoding="utf-8") as f:
        inputs += [json.loads(line)["raw"] for line in f if line.strip()]

rates = []
for _ in range(args.rounds):
    start = time.process_time()
    for raw in inputs:
        EmailReplyParser.parse_reply(raw)
    rates.append(len(inputs) / (time.process_time() - start))
# Measured as Eval measures: the fastest round is the least disturbed one on a shared host.
print(
    f"zapier email_reply_parser: {max(rates):.0f} messages/s of CPU time on one core, fastest of {args.rounds} "
    f"rounds of {len(inputs)} messages (median {statistics.median(rates):.0f}, slowest {min(rates):.0f})"
)
