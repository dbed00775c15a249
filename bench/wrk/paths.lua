-- wrk script for bench/bench_web.py: each request asks for a path drawn at random
-- from a file (one path a line, given after `--`), and done() prints the latency
-- percentiles and error counts as one JSON line for the bench to read.
-- The optional third argument is a think time in milliseconds: each connection
-- then pauses 0.5-1.5 times that between requests, like a reader (0: closed loop).
--   wrk -t2 -c50 -d20s -s bench/wrk/paths.lua http://127.0.0.1:8000 -- paths.txt 7 [1000]

local paths = {}
local think_ms = 0
local threads = 0

-- setup() runs in the main Lua state once per thread: number them for the seeds.
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  think_ms = tonumber(args[3] or "0")
  -- A different, reproducible random stream per thread (init runs in each thread's state).
  math.randomseed(tonumber(args[2] or "1") * 1000 + (thread_id or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

-- wrk times a request from when it is written, so a pause here is not counted as latency.
function delay()
  if think_ms <= 0 then return 0 end
  return math.random(math.floor(think_ms / 2), math.floor(think_ms * 3 / 2))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_status": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
