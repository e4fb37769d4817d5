-- wrk script for bench/loadtest: requests the addresses listed in $PATHS_FILE in turn (each
-- thread from its own starting point), and counts every answer that is not 2xx.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("PATHS_FILE")) do
    if line ~= "" then table.insert(paths, line) end
  end
  index = (id * 7919) % #paths
  non2xx = 0
  by_status = {}
  first_bad = ""
end

-- As a browser asks: a whole list's CSV then comes as its gzip-compressed file. (Set here, beside
-- the command line's -H headers; headers given to wrk.format would replace them.)
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    by_status[status] = (by_status[status] or 0) + 1
    if first_bad == "" then first_bad = status .. " " .. paths[index] end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.1f non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), bad,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
  if first ~= "" then io.write("FIRST_NON2XX " .. first .. "\n") end
end
