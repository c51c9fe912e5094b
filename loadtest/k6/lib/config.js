// Settings shared by every LogDapr k6 script, all from environment variables (k6 run -e NAME=value ...).
// The API-key header is named here and only here; the C# load generator keeps the same rule (ApiKeyHeader.cs).

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
export const LOGS_URL = `${BASE_URL}/v1/logs`;

// Authorization: Bearer <key> by default; any other header name carries the bare key (e.g. X-Api-Key).
export const API_KEY_HEADER = __ENV.LOGDAPR_API_KEY_HEADER || 'Authorization';
export const API_KEY = __ENV.LOGDAPR_API_KEY || '';

// Per-tenant keys when auth binds a key to a tenant: "tenant-a=key1,tenant-b=key2" (overrides LOGDAPR_API_KEY).
const TENANT_KEYS = parseTenantKeys(__ENV.LOGDAPR_API_KEYS || '');

// Tenants: an explicit list ("acme,globex") or how many to generate under a run-unique prefix.
export const RUN_ID = __ENV.RUN_ID || `k6-${Date.now().toString(36)}`;
export const TENANTS = Object.keys(TENANT_KEYS).length > 0
  ? Object.keys(TENANT_KEYS)
  : (__ENV.TENANTS && /[^0-9]/.test(__ENV.TENANTS)
      ? __ENV.TENANTS.split(',').map((t) => t.trim()).filter((t) => t.length > 0)
      : Array.from({ length: intEnv('TENANTS', 4) }, (_, i) => `${RUN_ID}-t${i}`));

export const BATCH_SIZE = intEnv('BATCH_SIZE', 500);
export const INVALID_SHARE = floatEnv('INVALID_SHARE', 0.01);
export const EVENT_BYTES = intEnv('EVENT_BYTES', 200);

// Thresholds: p95/p99 latency in milliseconds per request kind, and the share of unexpected answers.
export const SINGLE_P95_MS = floatEnv('SINGLE_P95_MS', 5);
export const SINGLE_P99_MS = floatEnv('SINGLE_P99_MS', 10);
export const BATCH_P95_MS = floatEnv('BATCH_P95_MS', 100);
export const BATCH_P99_MS = floatEnv('BATCH_P99_MS', 250);
export const MAX_ERROR_RATE = floatEnv('MAX_ERROR_RATE', 0.01);

export function headers(tenant, extra) {
  const result = Object.assign({ 'Content-Type': 'application/json' }, extra || {});
  const key = TENANT_KEYS[tenant] || API_KEY;
  if (key) {
    result[API_KEY_HEADER] = API_KEY_HEADER.toLowerCase() === 'authorization' ? `Bearer ${key}` : key;
  }
  return result;
}

// The thresholds every script shares: latency per request kind (tagged by lib/ingest.js) and the error rate.
export function thresholds(kinds) {
  const result = {
    http_req_failed: [`rate<${MAX_ERROR_RATE}`],
    logdapr_unexpected_responses: [`rate<${MAX_ERROR_RATE}`],
    checks: ['rate>0.99'],
  };
  if (kinds.includes('single')) {
    result['http_req_duration{kind:single}'] = [`p(95)<${SINGLE_P95_MS}`, `p(99)<${SINGLE_P99_MS}`];
  }
  if (kinds.includes('batch')) {
    result['http_req_duration{kind:batch}'] = [`p(95)<${BATCH_P95_MS}`, `p(99)<${BATCH_P99_MS}`];
  }
  return result;
}

export function intEnv(name, fallback) {
  const value = parseInt(__ENV[name] || '', 10);
  return Number.isFinite(value) ? value : fallback;
}

export function floatEnv(name, fallback) {
  const value = parseFloat(__ENV[name] || '');
  return Number.isFinite(value) ? value : fallback;
}

function parseTenantKeys(text) {
  const keys = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) {
      keys[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
  }
  return keys;
}

// Printed once per run (from setup): the tenants a run writes to, so its counts can be read back afterwards with
// GET /v1/metrics?tenant=<tenant>.
export function announceRun() {
  console.log(`logdapr run ${RUN_ID}: tenants ${TENANTS.join(',')}`);
}
