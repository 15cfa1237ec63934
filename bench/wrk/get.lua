-- wrk script: GET a random path (one per line of the file given after `--`, optionally followed by
-- a TAB and the ETag to send as If-None-Match), count answers other than 200/304, stop a thread
-- after `max` requests.
--   wrk -t2 -c32 -d8s -s get.lua http://127.0.0.1:8000 -- paths.tsv 100000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths, tags = {}, {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      local path, tag = line:match("^([^\t]+)\t?(.*)$")
      paths[#paths + 1] = path
      tags[#tags + 1] = tag
    end
  end
  max_requests = tonumber(args[2] or "0")
  responses = 0
  bad_status = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local i = math.random(#paths)
  local headers = {Accept = "application/json"}
  if #tags[i] > 0 then headers["If-None-Match"] = tags[i] end
  return wrk.format("GET", paths[i], headers)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 and status ~= 304 then
    bad_status = bad_status + 1
  end
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local status = 0
  for _, thread in ipairs(threads) do
    status = status + thread:get("bad_status")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "graphql_errors": 0, "bad_status": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
