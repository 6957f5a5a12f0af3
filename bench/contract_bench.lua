-- wrk script of bench/contract_bench.sh: every connection walks two-party contracts through
-- the API, one request after the other on its keep-alive connection:
--
--   POST /api/v1/contracts              party A creates a sequential contract (A, then B)
--   POST /api/v1/contracts/{id}/send    A sends it
--   POST /api/v1/contracts/{id}/intent  A confirms intent with the account password
--   POST /api/v1/contracts/{id}/sign    A signs (B-LT), handwritten appearance
--   POST /api/v1/contracts/{id}/intent  B confirms intent
--   POST /api/v1/contracts/{id}/sign    B signs (B-LTA); the contract is completed
--
-- and then starts the next contract. Run with as many wrk threads as connections: a thread's
-- Lua state then belongs to one connection, which owns one pair of signers (A, B) and A's
-- uploaded document (from the pairs file written by the setup, a Lua file that sets signer_pairs
-- and handwritten_png_base64).
--
-- wrk's own latency histogram mixes the six kinds of request, so the script times each request
-- itself: from request(), which wrk calls just before it writes the request, to response(),
-- which it calls when the response is complete, with clock_gettime(CLOCK_MONOTONIC) through
-- LuaJIT's FFI. done() writes every timing to the results file as
-- "<connection> <step> <microseconds> <status>", and prints one RESULT line.
--
--   CONTRACT_BENCH_OUT=<timings file> wrk -t N -c N -d 30s -s contract_bench.lua URL -- <pairs.lua> <password>
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } hetong_timespec;
  int clock_gettime(int clk_id, hetong_timespec *tp);
]]
local ts = ffi.new("hetong_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

-- ---- main thread: hand each wrk thread its connection number ----
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("conn", #threads)
end

-- ---- per thread (= per connection) ----
local pair, password, body_sign_appearance
local steps = {"create", "send", "intent-a", "sign-a", "intent-b", "sign-b"}
local step, contract_id, intent_token, started
-- Filled during the run and read by done() through thread:get (wrk copies tables).
timings = {}    -- {step index, microseconds, status} flattened: 3 numbers per request
completed = 0   -- contracts that reached "completed"
failures = {}   -- "step status body-excerpt" for every unexpected answer (the first 50)
nfailures = 0

function init(args)
  assert(loadfile(args[1]))() -- sets signer_pairs and handwritten_png_base64
  pair = assert(signer_pairs[conn], "fewer signer pairs than connections")
  password = args[2]
  body_sign_appearance = '"appearance":{"kind":"handwritten","image_png":"' ..
                         handwritten_png_base64 .. '"}'
  step = 1
end

local function post(path, token, body)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function request()
  local s = steps[step]
  started = now_us()
  if s == "create" then
    return post("/api/v1/contracts", pair.a_token, string.format(
      '{"title":"采购合同 load %d","document_id":"%s","contract_type":"purchase",' ..
      '"flow":"sequential","parties":[' ..
      '{"person_id":"%s","page":1,"x":60,"y":80,"width":160,"height":80},' ..
      '{"person_id":"%s","page":1,"x":320,"y":80,"width":160,"height":80}]}',
      completed, pair.doc, pair.a_id, pair.b_id))
  end
  local token = (s == "intent-b" or s == "sign-b") and pair.b_token or pair.a_token
  local base = "/api/v1/contracts/" .. contract_id
  if s == "send" then return post(base .. "/send", token, "") end
  if s == "intent-a" or s == "intent-b" then
    return post(base .. "/intent", token, '{"method":"password","password":"' .. password .. '"}')
  end
  return post(base .. "/sign", token, '{"intent_token":"' .. intent_token .. '",' ..
              body_sign_appearance .. '}')
end

local function fail(status, body)
  nfailures = nfailures + 1
  if #failures < 50 then
    table.insert(failures, steps[step] .. " " .. status .. " " ..
                 (body or ""):sub(1, 300):gsub("%s+", " "))
  end
  step = 1 -- start a new contract
end

function response(status, headers, body)
  local elapsed = now_us() - started
  local n = #timings
  timings[n + 1], timings[n + 2], timings[n + 3] = step, elapsed, status
  local s = steps[step]
  local want = (s == "create") and 201 or 200
  if status ~= want then return fail(status, body) end
  if s == "create" then
    contract_id = body:match('"id"%s*:%s*"([^"]+)"')
    if not contract_id then return fail(status, "no id in: " .. body) end
  elseif s == "intent-a" or s == "intent-b" then
    intent_token = body:match('"intent_token"%s*:%s*"([^"]+)"')
    if not intent_token then return fail(status, "no intent_token in: " .. body) end
  elseif s == "sign-b" then
    if not body:match('"completed"%s*:%s*true') then return fail(status, "not completed: " .. body) end
    completed = completed + 1
    step = 1
    return
  end
  step = step + 1
end

-- ---- main thread, after the run ----
function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("CONTRACT_BENCH_OUT") or "timings.txt", "w"))
  local total, nfail = 0, 0
  for i, t in ipairs(threads) do
    local tm = t:get("timings")
    for j = 1, #tm, 3 do
      out:write(string.format("%d %s %.0f %d\n", i, steps[tm[j]], tm[j + 1], tm[j + 2]))
    end
    total = total + t:get("completed")
    nfail = nfail + t:get("nfailures")
    for _, f in ipairs(t:get("failures")) do io.write("FAILURE conn ", i, ": ", f, "\n") end
  end
  out:close()
  local e = summary.errors
  io.write(string.format("RESULT %d %.0f %d %d %d %d\n", total, summary.duration,
    summary.requests, nfail, e.connect + e.read + e.write + e.timeout, e.status))
end
