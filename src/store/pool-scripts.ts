/**
 * The Lua scripts of RedisPoolStore. Each runs atomically in Redis, so a pooled server is
 * reserved, made ready, handed out or removed by exactly one caller, whichever launcher
 * process asks. claimScript and removeScript name the keys of the ids they find (from the
 * prefix in ARGV[1]): nblaunch uses one Redis, not a cluster.
 */

/**
 * KEYS: slots, slots-ip:<pool address>, slot-ips, pool:<key>, pooled:<id>
 * ARGV: id, now, maxServers, pool size, pool address, pool key, image
 */
export const reserveScript = `
if redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[4]) then return 'pool-full' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[5], 'id', ARGV[1], 'pool', ARGV[6], 'image', ARGV[7], 'state', 'starting')
return 'ok'`;

/**
 * KEYS: slot-ips, pooled:<id>, pool-ready:<image>
 * ARGV: id, pool address, pooledAt, then field/value pairs of the ready server
 */
export const addScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] or redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[2], 'state', 'ready', 'pooledAt', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`;

/**
 * KEYS: pool-ready:<image>, slots, slot-ips, slots-ip:<pool address>, slots-ip:<client>
 * ARGV: key prefix, client address, maxServersPerIp, createdAt, expiresAt, repo ('' for none), pool address
 * Returns {'ok', id, pool, token, image, containerId, host, port}, {'empty'} or {'ip-limit'}.
 */
export const claimScript = `
if redis.call('SCARD', KEYS[5]) >= tonumber(ARGV[3]) then return {'ip-limit'} end
while true do
  local popped = redis.call('ZPOPMIN', KEYS[1])
  if #popped == 0 then return {'empty'} end
  local id = popped[1]
  local pooledKey = ARGV[1] .. 'pooled:' .. id
  local s = redis.call('HMGET', pooledKey, 'pool', 'token', 'image', 'containerId', 'host', 'port')
  redis.call('DEL', pooledKey)
  if s[1] then redis.call('SREM', ARGV[1] .. 'pool:' .. s[1], id) end
  if s[1] and s[2] and redis.call('HGET', KEYS[3], id) == ARGV[7] then
    redis.call('SREM', KEYS[4], id)
    redis.call('SADD', KEYS[5], id)
    redis.call('HSET', KEYS[3], id, ARGV[2])
    redis.call('ZADD', KEYS[2], ARGV[4], id)
    local session = ARGV[1] .. 'session:' .. id
    redis.call('HSET', session, 'id', id, 'token', s[2], 'image', s[3], 'clientIp', ARGV[2], 'containerId', s[4],
      'host', s[5], 'port', s[6], 'createdAt', ARGV[4], 'expiresAt', ARGV[5])
    if ARGV[6] ~= '' then redis.call('HSET', session, 'repo', ARGV[6]) end
    return {'ok', id, s[1], s[2], s[3], s[4], s[5], s[6]}
  end
end`;

/**
 * KEYS: slot-ips, pooled:<id>, slots, slots-ip:<pool address>
 * ARGV: key prefix, id, pool address
 */
export const removeScript = `
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return 0 end
local pool = redis.call('HGET', KEYS[2], 'pool')
local image = redis.call('HGET', KEYS[2], 'image')
if pool then redis.call('SREM', ARGV[1] .. 'pool:' .. pool, ARGV[2]) end
if image then redis.call('ZREM', ARGV[1] .. 'pool-ready:' .. image, ARGV[2]) end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[4], ARGV[2])
return 1`;
