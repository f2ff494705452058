-- wrk script for Benchmarks/webhook_load.sh: posts pre-signed Twilio webhooks from a file (twilio_requests.py), each
-- thread its own lines so no MessageSid repeats, and sorts every reply:
--   client    a TwiML <Message> answering a client (the normal answer),
--   stranger  a TwiML <Message> asking an unknown number to write from the one on file (the normal answer to it),
--   empty     <Response/>: nothing said (a rate-limit drop, a duplicate),
--   apology   the "something went wrong" reply, and other: any other status or body.
-- usage: wrk ... -s twilio.lua URL -- FILE THREADS PATH
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads, path = args[1], tonumber(args[2]), args[3] or "/webhooks/twilio"
  reqs = {}
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == tid then
      local sig, body = line:match("^([^\t]+)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = sig,
      }, body)
    end
    n = n + 1
  end
  idx, wrapped = 0, 0
  client, stranger, empty, apology, other = 0, 0, 0, 0, 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wrapped = wrapped + 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  if status ~= 200 then
    other = other + 1
  elseif body:find("<Message>", 1, true) then
    if body:find("something went wrong", 1, true) then
      apology = apology + 1
    elseif body:find("match this sms address", 1, true) then
      stranger = stranger + 1
    else
      client = client + 1
    end
  elseif body:find("<Response/>", 1, true) then
    empty = empty + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = {client = 0, stranger = 0, empty = 0, apology = 0, other = 0, wrapped = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("replies: client %d stranger %d empty %d apology %d other %d wrapped %d\n",
    t.client, t.stranger, t.empty, t.apology, t.other, t.wrapped))
end
