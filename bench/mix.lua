-- wrk script for the mixed case-page load (bench/load.py): every request is a random line of the file named
-- after `--`, "COOKIE PATH", so many sessions of different roles and regions view many cases in random order.
local lines = {}

function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^(%S+) (%S+)$")
    if cookie then lines[#lines + 1] = { path, { ["Cookie"] = "reachable=" .. cookie } } end
  end
  -- Each thread its own sequence: seeded from a table's address, which differs between threads.
  math.randomseed(tonumber(tostring({}):match("0x(%x+)"), 16) % 2147483647)
end

function request()
  local line = lines[math.random(#lines)]
  return wrk.format("GET", line[1], line[2])
end
