"""Second opinion on the message the SMTP integration test delivered: parse it with Python's email package.

    python3 scripts/integration/smtp_check.py DIR

Checks the threading and RFC 3834 headers, and that the RFC 2047 subject and the quoted-printable body decode
to what the Swift test sent (SmtpIntegrationTests.swift: subject "Café hours ✓", body starting "Bonjour Zoë").
"""
import email
import email.policy
import glob
import json
import sys


def fail(msg):
    print("smtp_check: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main(directory):
    files = sorted(glob.glob(directory + "/*.eml"))
    if not files:
        fail("no message was delivered to " + directory)
    with open(files[-1], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    with open(files[-1][:-4] + ".json") as f:
        envelope = json.load(f)
    checks = {
        "In-Reply-To": msg["In-Reply-To"] == "<parent-1@client.example>",
        "References": str(msg["References"]).split() == ["<root-0@spa.example>", "<parent-1@client.example>"],
        "Auto-Submitted": msg["Auto-Submitted"] == "auto-replied",
        "Subject": str(msg["Subject"]) == "Re: Café hours ✓",
        "From": msg["From"].addresses[0].addr_spec == "bot@spa.example",
        "To": str(msg["To"]) == "ana@client.example",
        "envelope": envelope == {"mail_from": "bot@spa.example", "rcpt_tos": ["ana@client.example"]},
        "body": msg.get_content().startswith("Bonjour Zoë"),
        "defects": not msg.defects,
    }
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        fail("wrong " + ", ".join(bad) + "\n" + open(files[-1], encoding="utf-8", errors="replace").read())
    print("smtp_check: ok (%s)" % files[-1])


if __name__ == "__main__":
    main(sys.argv[1])
