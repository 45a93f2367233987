import type { Logger } from '../log/logger.js';
import { checkFirewall, installHint } from './firewall.js';
import type { FirewallPlan } from './firewall-rules.js';

export interface NetworkCheck {
  ok: boolean;
  message: string;
  /** How it was checked: the rule list (as root) or a probe container (without root). */
  via: 'iptables' | 'probe' | 'none';
}

export interface SandboxGuardDeps {
  plan: FirewallPlan;
  /** Makes sure the Docker network exists (Docker's side of the sandbox). */
  ensureNetwork: () => Promise<unknown>;
  /** True when a container on the network reaches a listener on the host. */
  probeHost: () => Promise<boolean>;
  logger: Logger;
  /** How long a result is reused by /health before it is checked again in the background (a probe's five times as long: it starts a container). */
  maxAgeMs?: number;
}

/**
 * Whether the sandbox holds: the network exists and its firewall rules are in place. As root the
 * rules are compared one by one; without root (the usual launcher) a probe container must fail
 * to reach the host, and setup (root) is the one that checks the full list.
 */
export class SandboxGuard {
  private last: NetworkCheck = { ok: false, message: 'not checked yet', via: 'none' };
  private checkedAt = 0;
  private running: Promise<NetworkCheck> | undefined;

  constructor(private readonly deps: SandboxGuardDeps) {}

  /** The last result; starts a new check in the background when it is old. */
  get status(): NetworkCheck {
    const maxAgeMs = (this.deps.maxAgeMs ?? 60_000) * (this.last.via === 'probe' ? 5 : 1);
    if (Date.now() - this.checkedAt > maxAgeMs) void this.check();
    return this.last;
  }

  check(): Promise<NetworkCheck> {
    this.running ??= this.run().then((result) => {
      if (result.ok !== this.last.ok || this.checkedAt === 0) {
        if (result.ok) this.deps.logger.info({ via: result.via }, 'notebook network sandbox in place');
        else this.deps.logger.error({ via: result.via, problem: result.message }, 'notebook network sandbox NOT in place: notebooks and builds may reach the host and private networks');
      }
      this.last = result;
      this.checkedAt = Date.now();
      return result;
    }).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async run(): Promise<NetworkCheck> {
    try {
      await this.deps.ensureNetwork();
      const report = await checkFirewall(this.deps.plan);
      if (!report.unreadable) return { ok: report.ok, message: report.message, via: 'iptables' };
      if (await this.deps.probeHost()) {
        return { ok: false, via: 'probe', message: `A test container on the notebook network (${this.deps.plan.bridge}) reached a port on this host: the firewall rules are missing; ${installHint}.` };
      }
      return { ok: true, via: 'probe', message: `the host is unreachable from the notebook network (${this.deps.plan.bridge}); the launcher cannot read iptables without root, setup checks the full rule list` };
    } catch (error) {
      return { ok: false, via: 'none', message: `The notebook network could not be checked: ${(error as Error).message}` };
    }
  }
}
