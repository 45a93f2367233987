import { execFile } from 'node:child_process';
import { describeRule, renderFirewall, type FirewallPlan, type IpFamily, type OwnChain } from './firewall-rules.js';
import { firewallTag } from './sandbox-names.js';

const binaries: Record<IpFamily, string> = { ipv4: 'iptables', ipv6: 'ip6tables' };

interface RunResult { ok: boolean; stdout: string; stderr: string }

function iptables(family: IpFamily, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(binaries[family], ['-w', '5', ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout, stderr: stderr || (error && !('code' in error && typeof error.code === 'number') ? error.message : '') });
    });
  });
}

/** What the check found: `missing` names each absent rule as an iptables command line. */
export interface FirewallReport {
  ok: boolean;
  missing: string[];
  /** True when the rules could not be read at all (not root, no iptables). */
  unreadable: boolean;
  message: string;
}

export const installHint = 'run the setup as root (sudo npx tsx src/setup/main.ts start, or npm start as root) to install them';

/** Compares the firewall with the rendered rule set; never changes anything. */
export async function checkFirewall(plan: FirewallPlan): Promise<FirewallReport> {
  const chains = renderFirewall(plan);
  const results = await Promise.all(chains.map((chain) => missingIn(chain)));
  const unreadable = results.find((result) => 'unreadable' in result);
  if (unreadable && 'unreadable' in unreadable) {
    return { ok: false, missing: [], unreadable: true, message: `The firewall rules of the notebook network (${plan.bridge}) cannot be read: ${unreadable.unreadable.trim()}. Without them notebooks and builds may reach the host, private networks and the cloud metadata address; ${installHint}.` };
  }
  const missing = results.flatMap((result) => ('missing' in result ? result.missing : []));
  if (missing.length === 0) return { ok: true, missing, unreadable: false, message: `firewall rules of ${plan.bridge} in place` };
  return {
    ok: false, missing, unreadable: false,
    message: `${missing.length} firewall rule(s) of the notebook network (${plan.bridge}) are missing or out of date, so notebooks and builds may reach the host, private networks or the cloud metadata address; ${installHint}. Missing: ${missing.join('; ')}`,
  };
}

async function missingIn(chain: OwnChain): Promise<{ missing: string[] } | { unreadable: string }> {
  const [own, parent] = await Promise.all([iptables(chain.family, ['-S', chain.name]), iptables(chain.family, ['-S', chain.parent])]);
  const unreadable = [own, parent].find((listing) => !listing.ok && isUnreadable(listing.stderr));
  if (unreadable) return { unreadable: unreadable.stderr };
  const missing: string[] = [];
  if (!(await present(chain.family, chain.parent, chain.jump, parent.stdout))) missing.push(describeRule(chain.family, chain.parent, chain.jump));
  if (!own.ok) return { missing: [...missing, ...chain.rules.map((rule) => describeRule(chain.family, chain.name, rule))] };
  const listed = appended(own.stdout);
  const expected = chain.rules.map((rule) => listedLine(chain.name, rule));
  if (listed.join('\n') === expected.join('\n')) return { missing };
  // Not the text expected: ask iptables rule by rule (another version may print a rule otherwise), then the order.
  const found = await Promise.all(chain.rules.map((rule) => present(chain.family, chain.name, rule, own.stdout)));
  chain.rules.forEach((rule, index) => { if (!found[index]) missing.push(describeRule(chain.family, chain.name, rule)); });
  if (missing.length === 0 && listed.length !== expected.length) missing.push(`${chain.name}: ${listed.length} rules where ${expected.length} belong (install again to put them in order)`);
  return { missing };
}

/** A rule as `iptables -S` prints it (comments always in quotes), so one listing checks a whole chain. */
function listedLine(chain: string, rule: string[]): string {
  return `-A ${chain} ${rule.map((arg, index) => (rule[index - 1] === '--comment' ? `"${arg}"` : arg)).join(' ')}`;
}

function appended(listing: string): string[] {
  return listing.split('\n').filter((line) => line.startsWith('-A '));
}

async function present(family: IpFamily, chain: string, rule: string[], listing: string): Promise<boolean> {
  return appended(listing).includes(listedLine(chain, rule)) || (await iptables(family, ['-C', chain, ...rule])).ok;
}

function isUnreadable(stderr: string): boolean {
  return /permission denied|must be root|ENOENT|not found|can't initialize/i.test(stderr);
}

/**
 * Installs the rule set idempotently: each own chain is created if missing and rewritten only when
 * it differs; each jump is inserted at the top of its parent once. Chains of others are never
 * flushed or reordered.
 */
export async function installFirewall(plan: FirewallPlan): Promise<void> {
  for (const chain of renderFirewall(plan)) {
    const current = await missingIn(chain);
    if ('unreadable' in current) throw new Error(`cannot change the firewall: ${current.unreadable.trim()}`);
    const jump = describeRule(chain.family, chain.parent, chain.jump);
    if (current.missing.some((line) => line !== jump)) {
      await must(chain.family, ['-N', chain.name], /exists/i);
      await must(chain.family, ['-F', chain.name]);
      for (const rule of chain.rules) await must(chain.family, ['-A', chain.name, ...rule]);
    }
    if (current.missing.includes(jump)) await must(chain.family, ['-I', chain.parent, '1', ...chain.jump]);
  }
}

/** Removes every rule tagged for this bridge from the parent chains, then its own chains. */
export async function removeFirewall(bridge: string): Promise<void> {
  const tag = firewallTag(bridge);
  const parents: Record<IpFamily, string[]> = { ipv4: ['DOCKER-USER', 'INPUT', 'FORWARD'], ipv6: ['FORWARD', 'INPUT'] };
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const parent of parents[family]) {
      const listing = await iptables(family, ['-S', parent]);
      if (!listing.ok) continue;
      for (const line of listing.stdout.split('\n')) {
        // Tags hold no spaces, so splitting is exact once iptables' quotes are dropped.
        const args = line.split(' ').map((arg) => arg.replace(/^"(.*)"$/, '$1'));
        if (args[0] !== '-A' || !args.includes(tag)) continue;
        await iptables(family, ['-D', ...args.slice(1)]);
      }
    }
    for (const suffix of ['fwd', 'in']) {
      await iptables(family, ['-F', `${bridge}-${suffix}`]);
      await iptables(family, ['-X', `${bridge}-${suffix}`]);
    }
  }
}

async function must(family: IpFamily, args: string[], tolerated?: RegExp): Promise<void> {
  const result = await iptables(family, args);
  if (result.ok || (tolerated && tolerated.test(result.stderr))) return;
  throw new Error(`${binaries[family]} ${args.join(' ')} failed: ${result.stderr.trim()}`);
}
