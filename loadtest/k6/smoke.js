// Smoke: a handful of requests of every shape against one ingest endpoint; run it after each deploy.
//   k6 run -e BASE_URL=https://ingest.example.com -e LOGDAPR_API_KEY=... loadtest/k6/smoke.js

import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { BASE_URL, LOGS_URL, announceRun, headers, thresholds } from './lib/config.js';
import { send } from './lib/ingest.js';
import { pickTenant } from './lib/events.js';

export const options = {
  scenarios: {
    smoke: { executor: 'shared-iterations', vus: 1, iterations: 10, maxDuration: '1m' },
  },
  thresholds: thresholds(['single', 'batch']),
};

export function setup() {
  announceRun();
  // lib/ingest.js makes 202 the expected answer of every request; readiness answers 200.
  const ready = http.get(`${BASE_URL}/readyz`, { responseCallback: http.expectedStatuses(200) });
  if (ready.status !== 200) {
    exec.test.abort(`ingest is not ready: GET /readyz answered ${ready.status}`);
  }
}

export default function () {
  const i = exec.scenario.iterationInTest;
  send(i, 1, 'single');
  send(i, 50, 'batch');

  // An all-invalid event must be refused with problem details, never accepted.
  const tenant = pickTenant(i);
  const bad = http.post(LOGS_URL, JSON.stringify({ tenant_id: tenant, severity: 'loud', message: 'x' }), {
    headers: headers(tenant),
    tags: { kind: 'invalid', name: 'POST /v1/logs' },
    responseCallback: http.expectedStatuses(400),
  });
  check(bad, {
    'invalid event answered 400': (r) => r.status === 400,
    'with problem details': (r) => String(r.headers['Content-Type'] || '').includes('application/problem+json'),
  });
}
