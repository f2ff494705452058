"""Pre-signed Twilio SMS webhooks for Benchmarks/webhook_load.sh: one line each, `signature<TAB>form body`.

usage: python3 twilio_requests.py OUT COUNT URL AUTH_TOKEN CLIENTS PREFIX [SEED]

Every MessageSid is unique (PREFIX followed by the line number: give each file its own prefix). Four in five come
from the extra demo clients (`frontdesk demo --clients CLIENTS`:
client n has phone +1555 followed by 2000000 + n), one in five from strangers (+1666...). Signatures follow Twilio's
documented scheme: base64(HMAC-SHA1(auth token, URL + each parameter name and value, names sorted)).
"""
import base64
import hashlib
import hmac
import random
import sys
from urllib.parse import urlencode

BUSINESS_NUMBER = "+15550100000"  # Demo.smsNumber
CLIENT_TEXTS = [
    "when is my next billing date?", "what plan am I on", "how many sessions do I have left",
    "please send me my invoices", "new card", "help", "what's on my membership?",
]
STRANGER_TEXTS = ["hi, is this the studio?", "what are your opening hours", "when is my next billing date?"]


def main():
    out, count, url, token, clients = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    prefix = sys.argv[6]
    rnd = random.Random(int(sys.argv[7]) if len(sys.argv) > 7 else 20)
    key = token.encode()
    with open(out, "w", encoding="utf-8") as f:
        for i in range(count):
            if rnd.random() < 0.8:
                sender = f"+1555{2000000 + rnd.randint(1, clients)}"
                text = rnd.choice(CLIENT_TEXTS)
            else:
                sender = f"+1666{rnd.randint(1000000, 9999999)}"
                text = rnd.choice(STRANGER_TEXTS)
            params = {"AccountSid": "ACbench", "Body": text, "From": sender, "MessageSid": f"SM{prefix}{i:09d}",
                      "To": BUSINESS_NUMBER}
            data = url + "".join(name + params[name] for name in sorted(params))
            signature = base64.b64encode(hmac.new(key, data.encode(), hashlib.sha1).digest()).decode()
            f.write(signature + "\t" + urlencode(params) + "\n")


if __name__ == "__main__":
    main()
