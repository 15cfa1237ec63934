-- wrk script: POST a random pre-generated GraphQL body (one JSON document per line of the file
-- given after `--`) to the URL's path, count GraphQL errors, stop a thread after `max` requests.
--   wrk -t2 -c32 -d8s -s graphql.lua http://127.0.0.1:8000/graphql -- bodies.jsonl 100000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  max_requests = tonumber(args[2] or "0")
  responses = 0
  graphql_errors = 0
  bad_status = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local errors, status = 0, 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("graphql_errors")
    status = status + thread:get("bad_status")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "graphql_errors": %d, "bad_status": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, errors, status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
