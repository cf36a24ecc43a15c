-- Hawk request signing inside wrk (LuaJIT): HMAC-SHA256 over the Hawk 1 normalised
-- string, with a fresh timestamp and nonce per request, because the API rejects a
-- replayed nonce. Pure Lua on LuaJIT's `bit` library: wrk ships no crypto, and a
-- request's MAC is three SHA-256 blocks, a few microseconds each. The runner prepends
-- this file to the generated script of the metadata endpoint.
local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local rshift, lshift, ror, tobit = bit.rshift, bit.lshift, bit.ror, bit.tobit
local byte, char, rep, concat = string.byte, string.char, string.rep, table.concat

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
  0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
  0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
  0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
  0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
}

local w = {}

local function sha256(msg)
  local len = #msg
  local bits = len * 8
  msg = msg .. "\128" .. rep("\0", (55 - len) % 64) .. "\0\0\0\0"
    .. char(band(rshift(bits, 24), 255), band(rshift(bits, 16), 255),
      band(rshift(bits, 8), 255), band(bits, 255))
  local h0, h1, h2, h3 = 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a
  local h4, h5, h6, h7 = 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = byte(msg, chunk + i * 4, chunk + i * 4 + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 63 do
      local x, y = w[i - 15], w[i - 2]
      local s0 = bxor(ror(x, 7), ror(x, 18), rshift(x, 3))
      local s1 = bxor(ror(y, 17), ror(y, 19), rshift(y, 10))
      w[i] = tobit(w[i - 16] + s0 + w[i - 7] + s1)
    end
    local a, b, c, d, e, f, g, h = h0, h1, h2, h3, h4, h5, h6, h7
    for i = 0, 63 do
      local s1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
      local ch = bxor(band(e, f), band(bnot(e), g))
      local t1 = h + s1 + ch + K[i + 1] + w[i]
      local s0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
      local maj = bxor(band(a, b), band(a, c), band(b, c))
      h, g, f, e = g, f, e, tobit(d + t1)
      d, c, b, a = c, b, a, tobit(t1 + s0 + maj)
    end
    h0, h1, h2, h3 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d)
    h4, h5, h6, h7 = tobit(h4 + e), tobit(h5 + f), tobit(h6 + g), tobit(h7 + h)
  end
  local out = {}
  for i, v in ipairs({ h0, h1, h2, h3, h4, h5, h6, h7 }) do
    out[i] = char(band(rshift(v, 24), 255), band(rshift(v, 16), 255),
      band(rshift(v, 8), 255), band(v, 255))
  end
  return concat(out)
end

local function xorPad(key, pad)
  local out = {}
  for i = 1, 64 do out[i] = char(bxor(byte(key, i), pad)) end
  return concat(out)
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = byte(s, i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local q = {}
    for j = 1, 4 do
      local k = band(rshift(n, 18 - (j - 1) * 6), 63) + 1
      q[j] = B64:sub(k, k)
    end
    if not b then q[3] = "=" end
    if not c then q[4] = "=" end
    out[#out + 1] = concat(q)
  end
  return concat(out)
end

-- A signer for one credential: `sign(method, resource, host, port, nonce)` returns the
-- `Authorization` header value.
function hawk_signer(id, key)
  if #key > 64 then key = sha256(key) end
  key = key .. rep("\0", 64 - #key)
  local ipad, opad = xorPad(key, 0x36), xorPad(key, 0x5c)
  return function(method, resource, host, port, nonce)
    local ts = tostring(os.time())
    local normalised = "hawk.1.header\n" .. ts .. "\n" .. nonce .. "\n" .. method .. "\n"
      .. resource .. "\n" .. host .. "\n" .. port .. "\n\n\n"
    local mac = base64(sha256(opad .. sha256(ipad .. normalised)))
    return 'Hawk id="' .. id .. '", ts="' .. ts .. '", nonce="' .. nonce .. '", mac="'
      .. mac .. '"'
  end
end
