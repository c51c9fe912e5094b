// One POST /v1/logs with checks that tell an expected answer (202 with the right accepted count, or 400 for a
// request whose events were all invalid on purpose) from an unexpected one.

import http from 'k6/http';
import { check } from 'k6';
import { Counter, Rate } from 'k6/metrics';
import { LOGS_URL, headers } from './config.js';
import { makeBatch, pickTenant } from './events.js';

export const acceptedEvents = new Counter('logdapr_accepted_events');
export const rejectedEvents = new Counter('logdapr_rejected_events');
export const unexpected = new Rate('logdapr_unexpected_responses');
export const throttled = new Counter('logdapr_throttled_responses');

// 202 always; 400 only where every event was invalid on purpose (set per request below).
http.setResponseCallback(http.expectedStatuses(202));

export function send(iteration, size, kind) {
  const tenant = pickTenant(iteration);
  const batch = makeBatch(tenant, size);
  const allInvalid = batch.valid === 0;
  const response = http.post(LOGS_URL, batch.body, {
    headers: headers(tenant),
    tags: { kind: kind, name: 'POST /v1/logs' },
    responseCallback: allInvalid ? http.expectedStatuses(400) : http.expectedStatuses(202),
  });

  if (response.status === 429 || response.status === 503) {
    // Rate limited or the pipeline is full: a correct answer under overload, counted apart so spikes stay readable.
    throttled.add(1, { kind: kind, status: String(response.status) });
  }

  let accepted = 0;
  const ok = check(response, {
    'answer is 202, or 400 for an all-invalid request': (r) => r.status === (allInvalid ? 400 : 202),
    'accepted count matches the valid events sent': (r) => {
      if (r.status !== 202) {
        return allInvalid;
      }
      accepted = r.json('accepted');
      return accepted === batch.valid;
    },
  }, { kind: kind });
  unexpected.add(!ok, { kind: kind });
  acceptedEvents.add(accepted, { kind: kind });
  rejectedEvents.add(batch.total - accepted, { kind: kind });
  return response;
}
