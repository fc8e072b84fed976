-- wrk script: authenticated POST /api/v1/patients, a distinct small record per request.
-- The token comes from the environment (scripts/bench.sh logs in first).
local token = os.getenv("POMOST_TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"given_name":"Bench","family_name":"Writer%d","birth_date":"1990-01-01","sex":"unknown","preferred_language":"en"}',
    counter)
  return wrk.format("POST", "/api/v1/patients",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
