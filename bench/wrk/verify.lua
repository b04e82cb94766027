-- wrk script: POST /api/keys/verify with X-API-Key, round-robin over the keys in $KEYS_FILE
-- (one per line), each thread starting at a different offset.
local keys = {}
local next_key = 1

function setup(thread)
  thread:set("offset", math.random(1, 1000))
end

function init(args)
  for line in io.lines(os.getenv("KEYS_FILE")) do
    if #line > 0 then keys[#keys + 1] = line end
  end
  next_key = (offset or 1) % #keys + 1
end

function request()
  local key = keys[next_key]
  next_key = next_key % #keys + 1
  return wrk.format("POST", "/api/keys/verify", { ["X-API-Key"] = key }, "")
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"valid":true', 1, true) then
    wrk.thread:stop()
    io.stderr:write("unexpected answer: " .. status .. " " .. body .. "\n")
  end
end
