// LogEvent v1 payloads: ~EVENT_BYTES of JSON per event, a few services, mostly info, some errors, and a share of
// events that are invalid on purpose (each breaks a different rule), so the validation path is loaded too.

import { EVENT_BYTES, INVALID_SHARE, TENANTS } from './config.js';

const SERVICES = ['checkout', 'payments', 'search', 'auth', 'inventory', 'shipping'];
const SEVERITIES = ['info', 'info', 'info', 'info', 'info', 'info', 'info', 'debug', 'warn', 'error'];
const PATHS = ['/api/orders', '/api/cart', '/api/users', '/api/search', '/healthz'];
const INVALID_KINDS = ['severity', 'tenant', 'service', 'timestamp'];

export function pickTenant(iteration) {
  return TENANTS[iteration % TENANTS.length];
}

export function makeEvent(tenant, invalid) {
  const service = pick(SERVICES);
  const severity = pick(SEVERITIES);
  const status = severity === 'error' ? 500 : 200;
  const event = {
    tenant_id: tenant,
    service: service,
    severity: severity,
    timestamp: new Date().toISOString(),
    host: `${service}-${1 + Math.floor(Math.random() * 8)}`,
    message: `${pick(PATHS)}/${Math.floor(Math.random() * 100000)} answered ${status} in ${1 + Math.floor(Math.random() * 900)} ms`,
    attributes: { region: 'eu-west-1', version: '1.4.2' },
  };
  const padding = EVENT_BYTES - JSON.stringify(event).length;
  if (padding > 1) {
    event.message += ' ' + 'x'.repeat(padding - 1);
  }
  if (invalid) {
    breakRule(event, pick(INVALID_KINDS));
  }
  return event;
}

// A batch and how many of its events are valid (what a 202 must report as accepted).
export function makeBatch(tenant, size) {
  const events = [];
  let valid = 0;
  for (let i = 0; i < size; i++) {
    const invalid = Math.random() < INVALID_SHARE;
    events.push(makeEvent(tenant, invalid));
    valid += invalid ? 0 : 1;
  }
  // One event in a batch of one is sent as an object, like a single-event client would.
  return { body: JSON.stringify(size === 1 ? events[0] : events), valid: valid, total: size };
}

function breakRule(event, kind) {
  switch (kind) {
    case 'severity': event.severity = 'loud'; break;
    case 'tenant': event.tenant_id = ''; break;
    case 'service': delete event.service; break;
    default: event.timestamp = 'yesterday, 5 pm'; break;
  }
}

function pick(values) {
  return values[Math.floor(Math.random() * values.length)];
}
