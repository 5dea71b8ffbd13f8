-- bench/load.py's wrk script: counts 4xx and 5xx, varies the body per request, prints one JSON line.
-- BENCH_BODY (optional) is a body template: "{n}" becomes a number unique to this request;
-- BENCH_PATHS (optional) is a newline-separated list of paths taken in turn.
local threads = {}
local template = os.getenv("BENCH_BODY")
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  s4 = 0
  s5 = 0
  n = 0
  paths = {}
  for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^\n]+") do
    table.insert(paths, path)
  end
end

function request()
  n = n + 1
  local path = nil
  if #paths > 0 then
    path = paths[(n + tid) % #paths + 1]
  end
  if (template == nil or template == "") and path == nil then
    return wrk.request()
  end
  local body = nil
  if template ~= nil and template ~= "" then
    body = string.gsub(template, "{n}", tostring(tid) .. "x" .. tostring(n))
  end
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status >= 500 then
    s5 = s5 + 1
  elseif status >= 400 then
    s4 = s4 + 1
  end
end

function done(summary, latency, requests)
  local s4_total, s5_total = 0, 0
  for _, thread in ipairs(threads) do
    s4_total = s4_total + thread:get("s4")
    s5_total = s5_total + thread:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "status_4xx": %d, "status_5xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, s4_total, s5_total,
    e.connect + e.read + e.write + e.timeout))
end
