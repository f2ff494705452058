-- Unique Postmark inbound messages (Basic auth), so each request runs the whole pipeline. The verdicts come from
-- `serve --demo`'s made-up receiving host (mx.demo.example), the only authserv-id the demo trusts.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
end

local senders = {"alice@example.com", "ben.carter@example.com", "chloe@example.com", "daniel.evans@example.com", "henry@example.com"}
local texts = {"when is my next billing date?", "please send me my invoices", "what plan am I on", "help"}

request = function()
  counter = counter + 1
  local from = senders[(counter % #senders) + 1]
  local text = texts[(counter % #texts) + 1]
  local body = string.format(
    '{"MessageID":"bench-%d-%d-%d","From":"%s","To":"desk@maple-studio.example","Subject":"Question","TextBody":"%s",' ..
    '"Headers":[{"Name":"Authentication-Results","Value":"mx.demo.example; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"}]}',
    os.time(), thread_id, counter, from, text)
  return wrk.format("POST", "/webhooks/postmark", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Basic cG9zdG1hcms6ZGVtby1wYXNzd29yZA==",
  }, body)
end
