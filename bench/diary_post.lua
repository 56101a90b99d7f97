-- wrk script: POST diary entries through the real JSON API (bench/load_diary.py), modelled on
-- ../shared/bench/post.lua, and print one JSON line "WRKJSON {...}" with exact 2xx, non-2xx
-- and 5xx counts and latency percentiles.
-- Env: DIARY_PEOPLE  a file of "token day_id" lines (one participant and open day a line);
--                    each request picks one at random and sends
--                    POST /api/v1/days/<day_id>/entries with Authorization: Bearer <token>,
--                    a fresh UUID v4 client_id, a category from the list and 1-5 minutes.
--      DIARY_HEADERS extra headers, "K: v|K2: v2" (e.g. X-Forwarded-Proto behind ProxyFix).
local categories = { "A2", "B1", "B2", "B3", "B4", "B5", "D4", "D5" }
local extra = {}
for h in string.gmatch(os.getenv("DIARY_HEADERS") or "", "[^|]+") do
  local k, v = string.match(h, "^%s*([^:]+):%s*(.*)$")
  if k then extra[k] = v end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

local people = {}

function init(args)
  ok, other, s5xx = 0, 0, 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  local name = os.getenv("DIARY_PEOPLE") or error("DIARY_PEOPLE is not set")
  for line in io.lines(name) do
    local token, day = string.match(line, "^(%S+)%s+(%d+)")
    if token then table.insert(people, { token = token, day = day }) end
  end
  if #people == 0 then error("no participants in " .. name) end
end

local function uuid4()
  local hex = "0123456789abcdef"
  local out = {}
  for i = 1, 32 do
    local n = math.random(0, 15)
    if i == 13 then n = 4 end                     -- version 4
    if i == 17 then n = 8 + math.random(0, 3) end -- variant 10xx
    out[#out + 1] = hex:sub(n + 1, n + 1)
    if i == 8 or i == 12 or i == 16 or i == 20 then out[#out + 1] = "-" end
  end
  return table.concat(out)
end

function request()
  local p = people[math.random(1, #people)]
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. p.token,
  }
  for k, v in pairs(extra) do headers[k] = v end
  local body = string.format('{"client_id":"%s","category":"%s","minutes":%d}',
    uuid4(), categories[math.random(1, #categories)], math.random(1, 5))
  return wrk.format("POST", "/api/v1/days/" .. p.day .. "/entries", headers, body)
end

function response(status, hdrs, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
    if status >= 500 then s5xx = s5xx + 1 end
  end
end

function done(summary, latency, requests)
  local n2xx, nother, n5xx = 0, 0, 0
  for _, t in ipairs(threads) do
    n2xx = n2xx + t:get("ok"); nother = nother + t:get("other"); n5xx = n5xx + t:get("s5xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"responses":%d,"ok2xx":%d,"non2xx":%d,"s5xx":%d,"duration_us":%d,' ..
    '"sock_err":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, n2xx, nother, n5xx, summary.duration,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
