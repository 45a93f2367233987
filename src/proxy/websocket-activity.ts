import type { Duplex } from 'node:stream';
import type { ActivityRecorder } from './activity-recorder.js';

/** What Node's sockets count anyway: bytes received from, and sent to, the browser. */
interface ByteCounts {
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

interface Watched {
  id: string;
  socket: ByteCounts;
  bytes: number;
}

function hasByteCounts(socket: Duplex): socket is Duplex & ByteCounts {
  const counted = socket as Partial<ByteCounts>;
  return typeof counted.bytesRead === 'number' && typeof counted.bytesWritten === 'number';
}

const total = (socket: ByteCounts) => socket.bytesRead + socket.bytesWritten;

/**
 * Counts WebSocket traffic as activity without any work per message. After the upgrade a
 * proxied WebSocket is two sockets piped into each other; a listener on every chunk would call
 * into the recorder for each message. Instead, a timer (running only while WebSockets are
 * open) compares each browser socket's byte counters with the last sweep and touches the
 * servers whose sockets moved, in either direction. A socket's last traffic is swept when it
 * closes. Activity is so at most one interval late, far below any idle limit.
 */
export class WebSocketActivity {
  private readonly open = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly activity: Pick<ActivityRecorder, 'touch'>, private readonly intervalMs = 1000) {}

  /** Follows the browser's side of a WebSocket to the server `id` until it closes. */
  watch(id: string, socket: Duplex): void {
    if (!hasByteCounts(socket)) {
      // A stream without byte counters (not a network socket): count its chunks instead.
      socket.on('data', () => this.activity.touch(id));
      return;
    }
    const watched: Watched = { id, socket, bytes: total(socket) };
    this.open.add(watched);
    socket.once('close', () => {
      this.sweepOne(watched, Date.now());
      this.open.delete(watched);
      if (this.open.size === 0) this.stopTimer();
    });
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Touches every server whose WebSockets moved bytes since the last sweep. */
  sweep(now = Date.now()): void {
    for (const watched of this.open) this.sweepOne(watched, now);
  }

  get size(): number {
    return this.open.size;
  }

  close(): void {
    this.stopTimer();
    this.open.clear();
  }

  private sweepOne(watched: Watched, now: number): void {
    const bytes = total(watched.socket);
    if (bytes === watched.bytes) return;
    watched.bytes = bytes;
    this.activity.touch(watched.id, now);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
