// The workloads, as autocannon request lists. Each connection of a run owns a share of the usable
// leases (every connection-th one), so a renewal never races another connection for the same
// lease, and each keeps the newest code of its leases in the shared pool for the next scenario.
import { keyCode } from './dataset.mjs';

// A new object each time: autocannon adds Content-Length to the headers object it is given.
const json = () => ({ 'content-type': 'application/json' });

/** Where one connection keeps its state: autocannon clones each request object per connection. */
function connectionState(run, pool) {
  return (request) => {
    const s = request.state;
    if (s.leases === undefined) {
      s.index = run.connections++;
      s.leases = [];
      for (let i = s.index; i < pool.length; i += run.width) s.leases.push(pool[i]);
      s.next = 0;
      s.clientId = `bench-${run.id}-${s.index}`;
    }
    return s;
  };
}

const random = (n) => Math.floor(Math.random() * n);

/** A random live lease of `leases` (see forgetUnanswered). */
function pick(leases) {
  for (let tries = 0; tries < 20; tries++) {
    const lease = leases[random(leases.length)];
    if (!lease.dead) return lease;
  }
  return leases.find((l) => !l.dead) ?? leases[0];
}

/** A lease/renew whose answer replaces the lease's code. */
function renewRequest(req, ctx, lease) {
  ctx.lease = lease;
  if (!ctx.baseline) lease.inflight = true;
  req.method = 'POST';
  req.path = `${ctx.base}/lease/renew`;
  req.headers = json();
  req.body = JSON.stringify({ lease: lease.code });
  return req;
}

function onRenewed(status, body, ctx) {
  if (ctx.baseline) return;
  ctx.lease.inflight = false;
  if (status === 200) ctx.lease.code = JSON.parse(body).lease;
  else if (status === 409) ctx.lease.dead = true;
}

/**
 * After a run: a renewal still in flight when the run stopped may have been made by the server,
 * its new code never read. Such a lease is given up (its old code would answer LEASE_RELEASED).
 */
export function forgetUnanswered(pool) {
  for (const lease of pool) {
    if (lease.inflight) {
      lease.inflight = false;
      lease.dead = true;
    }
  }
}

function obtainRequest(req, ctx, license) {
  req.method = 'POST';
  req.path = `${ctx.base}/lease/obtain`;
  req.headers = json();
  req.body = JSON.stringify({ key: keyCode(license), clientId: ctx.state.clientId });
  return req;
}

function releaseRequest(req, ctx, code) {
  req.method = 'POST';
  req.path = `${ctx.base}/lease/release`;
  req.headers = json();
  req.body = JSON.stringify({ lease: code });
  return req;
}

/**
 * Every scenario: `dataset` names the data it runs on, `requests(run, env)` builds the request
 * list for one autocannon run (`run` counts the connections that joined). The baseline gets the
 * same requests (env.baseline): same methods, paths and bodies, built the same way, so the load
 * generator does the same work; only the answers, which are not the server's, change nothing, and a
 * release follows each obtain as if the obtain had succeeded.
 */
export const SCENARIOS = [
  {
    name: 'key-validate',
    title: 'GET key/validate, one hot key',
    dataset: 'small',
    requests: (run, { base }) => [{ method: 'GET', path: `${base}/key/validate?key=${keyCode(0)}`, onResponse: () => undefined }],
  },
  {
    name: 'lease-validate',
    title: 'GET lease/validate, random leases',
    dataset: 'small',
    requests: (run, { base, pool }) => [
      {
        setupRequest: (req) => {
          req.method = 'GET';
          req.path = `${base}/lease/validate?lease=${pick(pool).code}`;
          return req;
        },
        onResponse: () => undefined,
      },
    ],
  },
  {
    name: 'lease-renew',
    title: 'POST lease/renew, each connection its own leases',
    dataset: 'small',
    requests: (run, { base, pool, baseline }) => {
      const stateOf = connectionState(run, pool);
      return [
        {
          state: {},
          setupRequest: (req, ctx) => {
            const s = stateOf(req);
            ctx.base = base;
            ctx.baseline = baseline;
            let lease = s.leases[s.next++ % s.leases.length];
            for (let i = 0; lease.dead && i < s.leases.length; i++) lease = s.leases[s.next++ % s.leases.length];
            return renewRequest(req, ctx, lease);
          },
          onResponse: onRenewed,
        },
      ];
    },
  },
  {
    name: 'obtain-release',
    title: 'POST lease/obtain then lease/release, random licenses',
    dataset: 'small',
    requests: (run, { base, licenses, pool, baseline }) => {
      const stateOf = connectionState(run, pool);
      return [
        {
          state: {},
          setupRequest: (req, ctx) => {
            ctx.state = stateOf(req);
            ctx.base = base;
            return obtainRequest(req, ctx, random(licenses));
          },
          onResponse: (status, body, ctx) => {
            if (baseline) ctx.obtained = pool[0].code;
            else ctx.obtained = status === 200 ? JSON.parse(body).lease : undefined;
          },
        },
        {
          setupRequest: (req, ctx) => (ctx.obtained ? releaseRequest(req, ctx, ctx.obtained) : null),
          onResponse: () => undefined,
        },
      ];
    },
  },
  ...['small', 'large'].map((dataset) => ({
    name: dataset === 'small' ? 'mix-10k' : 'mix-1m',
    title: `70% lease/validate, 25% lease/renew, 5% obtain/release`,
    dataset,
    requests: (run, { base, licenses, pool, baseline }) => {
      const stateOf = connectionState(run, pool);
      return [
        {
          state: {},
          setupRequest: (req, ctx) => {
            const s = stateOf(req);
            ctx.state = s;
            ctx.base = base;
            ctx.baseline = baseline;
            const r = Math.random();
            if (r < 0.7) {
              ctx.op = 'validate';
              req.method = 'GET';
              req.path = `${base}/lease/validate?lease=${pick(s.leases).code}`;
              req.headers = {};
              req.body = undefined;
              return req;
            }
            if (r < 0.95) {
              ctx.op = 'renew';
              return renewRequest(req, ctx, pick(s.leases));
            }
            // Obtain and release alternate on each connection: a lease obtained is released by its next 5%.
            if (s.obtained) {
              ctx.op = 'release';
              const code = s.obtained;
              s.obtained = undefined;
              return releaseRequest(req, ctx, code);
            }
            ctx.op = 'obtain';
            return obtainRequest(req, ctx, random(licenses));
          },
          onResponse: (status, body, ctx) => {
            if (ctx.op === 'renew') onRenewed(status, body, ctx);
            else if (ctx.op === 'obtain' && baseline) ctx.state.obtained = pool[0].code;
            else if (ctx.op === 'obtain' && status === 200) ctx.state.obtained = JSON.parse(body).lease;
          },
        },
      ];
    },
  })),
];
