-- Each request is a distinct Jellyseerr delivery (so none is deduplicated away).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local rid = thread_id * 10000000 + counter
  local body = string.format(
    '{"notification_type":"MEDIA_PENDING","event":"New Movie Request","subject":"Bench %d (2001)",' ..
    '"message":"","image":"","media":{"media_type":"movie","tmdbId":"%d","tvdbId":"",' ..
    '"status":"PENDING","status4k":"UNKNOWN"},"request":{"request_id":"%d",' ..
    '"requestedBy_username":"bench"},"issue":null,"comment":null,"extra":[]}', rid, rid, rid)
  return wrk.format(nil, "/hooks/jellyseerr", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("WRK_RESULT requests=%d errors_status=%d errors_other=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
