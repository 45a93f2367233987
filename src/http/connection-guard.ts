import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { embeddedIpv4, formatIp, parseIp } from '../net/ip-address.js';

export interface ConnectionLimits {
  /** Open client connections at once, all addresses together. */
  maxConnections: number;
  /** Open connections of one address (0: no limit): IPv4 per address, IPv6 per /64. */
  maxPerAddress: number;
  /** The last slots under maxConnections, kept for addresses holding few connections (health checks, newcomers). */
  reserve: number;
  /** A connection that has not sent a whole request head within this is closed. */
  silentTimeoutMs: number;
}

/** What an address holding fewer connections than this still gets from the reserve. */
const fewConnections = 16;
const refusalLogEveryMs = 60_000;

/** One address's key: IPv4 (mapped or not) as itself, IPv6 by its /64, the smallest block one subscriber holds. */
export function addressKey(remoteAddress: string | undefined): string {
  const bytes = parseIp(remoteAddress ?? '');
  if (!bytes) return remoteAddress ?? 'unknown';
  const v4 = bytes.length === 16 ? embeddedIpv4(bytes) : bytes;
  if (v4 && (bytes.length === 4 || bytes.slice(0, 12).every((value, index) => value === (index >= 10 ? 0xff : 0)))) return formatIp(v4);
  return `${formatIp(new Uint8Array([...bytes.slice(0, 8), ...new Uint8Array(8)]))}/64`;
}

/**
 * Guards the listening socket: connections over a cap are closed the moment they are accepted,
 * before a byte is parsed, so one address (or many) cannot use up the process's file
 * descriptors; connections that never send a request are closed after `silentTimeoutMs`.
 */
export class ConnectionGuard {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly lastRefusalLog = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits, private readonly logger: Logger) {}

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: { socket: Socket }) => this.markSpoken(req.socket));
    server.on('upgrade', (req: { socket: Socket }) => this.markSpoken(req.socket));
  }

  get open(): number {
    return this.total;
  }

  private readonly silentTimers = new WeakMap<Socket, NodeJS.Timeout>();

  private admit(socket: Socket): void {
    const key = addressKey(socket.remoteAddress);
    const held = this.perAddress.get(key) ?? 0;
    const refusal = this.refusal(held);
    if (refusal) {
      this.logRefusal(key, refusal);
      socket.destroy();
      return;
    }
    this.total += 1;
    this.perAddress.set(key, held + 1);
    const timer = setTimeout(() => socket.destroy(), this.limits.silentTimeoutMs);
    timer.unref();
    this.silentTimers.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.total -= 1;
      const left = (this.perAddress.get(key) ?? 1) - 1;
      if (left > 0) this.perAddress.set(key, left);
      else this.perAddress.delete(key);
    });
  }

  private refusal(held: number): string | null {
    const { maxConnections, maxPerAddress, reserve } = this.limits;
    if (this.total >= maxConnections) return 'the launcher holds its most connections (http.maxConnections)';
    if (maxPerAddress > 0 && held >= maxPerAddress) return 'the address holds its most connections (http.maxConnectionsPerAddress)';
    if (this.total >= maxConnections - reserve && held >= fewConnections) return 'only the reserve is left, kept for addresses with few connections';
    return null;
  }

  private markSpoken(socket: Socket): void {
    const timer = this.silentTimers.get(socket);
    if (timer) {
      clearTimeout(timer);
      this.silentTimers.delete(socket);
    }
  }

  private logRefusal(key: string, why: string): void {
    const now = Date.now();
    if (now - (this.lastRefusalLog.get(key) ?? 0) < refusalLogEveryMs) return;
    if (this.lastRefusalLog.size > 10_000) this.lastRefusalLog.clear();
    this.lastRefusalLog.set(key, now);
    this.logger.warn({ address: key, open: this.total, why }, 'refusing connections');
  }
}

/** File descriptors kept for everything but client connections (Redis, Docker, git, logs, files). */
const fdsForTheRest = 256;

/**
 * The limits from the config and the open-files limit: by default half of what is left after
 * the rest, since a proxied connection also holds one to its server.
 */
export function connectionLimits(config: Pick<Config, 'http'>, fdLimit: number): ConnectionLimits & { fdSafe: number } {
  const fdSafe = Math.max(64, Math.floor((fdLimit - fdsForTheRest) / 2));
  const maxConnections = config.http.maxConnections || fdSafe;
  const reserve = Math.max(8, Math.floor(maxConnections / 20));
  const perAddress = config.http.maxConnectionsPerAddress;
  return {
    maxConnections,
    maxPerAddress: perAddress === 0 ? 0 : Math.max(1, Math.min(perAddress, maxConnections - reserve)),
    reserve,
    silentTimeoutMs: config.http.headersTimeoutSeconds * 1000,
    fdSafe,
  };
}
