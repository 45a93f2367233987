import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import type { AccessDecision } from '../auth/server-access.js';
import type { RouteTarget, ServerOwner } from '../proxy/route-store.js';
import { proxyFastPath } from './proxy-fast-path.js';

const owner: ServerOwner = { workshop: 'py', attendeeId: '0123456789abcdef' };

function setup(decision: AccessDecision | Error) {
  const routes = new Map<string, RouteTarget>([
    ['anonymous01', { host: '127.0.0.1', port: 1 }],
    ['ws-py-0123456789abcdef', { host: '127.0.0.1', port: 2, owner }],
  ]);
  const forwarded: string[] = [];
  const toKoa: string[] = [];
  const checks: ServerOwner[] = [];
  const handle = proxyFastPath({
    routes: { peek: (id) => routes.get(id) },
    forwarder: { web: (req) => { forwarded.push(req.url!); } },
    access: { admit: async (_req, checked) => { checks.push(checked); if (decision instanceof Error) throw decision; return decision; } },
    koa: (req) => { toKoa.push(req.url!); },
  });
  const request = async (url: string) => {
    handle({ url, headers: {} } as IncomingMessage, {} as ServerResponse);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { forwarded, toKoa, checks, request };
}

describe('proxyFastPath', () => {
  it('forwards an anonymous server\'s request at once, without asking who is there', async () => {
    const t = setup('sign-in');
    await t.request('/s/anonymous01/api/status');
    assert.deepEqual([t.forwarded, t.toKoa, t.checks], [['/s/anonymous01/api/status'], [], []]);
  });

  it('forwards a persistent server\'s request for its owner or an organizer', async () => {
    for (const decision of ['owner', 'organizer'] as const) {
      const t = setup(decision);
      await t.request('/s/ws-py-0123456789abcdef/tree');
      assert.deepEqual([t.forwarded, t.toKoa, t.checks], [['/s/ws-py-0123456789abcdef/tree'], [], [owner]]);
    }
  });

  it('hands everyone else, and every failure, to Koa, which explains the refusal', async () => {
    for (const decision of ['forbidden', 'sign-in', new Error('redis down')] as const) {
      const t = setup(decision);
      await t.request('/s/ws-py-0123456789abcdef/tree');
      assert.deepEqual([t.forwarded, t.toKoa], [[], ['/s/ws-py-0123456789abcdef/tree']]);
    }
    const t = setup('owner');
    await t.request('/s/unknown0001/tree');
    await t.request('/api/workshops');
    await t.request('/s/anonymous01/_nblaunch/handoff?code=x');
    assert.deepEqual(t.toKoa, ['/s/unknown0001/tree', '/api/workshops', '/s/anonymous01/_nblaunch/handoff?code=x']);
  });
});
