// Spike: a steady base load, a sudden multiple of it, then back. Ingest may shed load with 429/503 + Retry-After
// during the spike (counted in logdapr_throttled_responses, allowed up to SPIKE_MAX_ERROR_RATE), but must
// recover: the thresholds on the base-load kinds still apply.
//   k6 run -e BASE_URL=... -e BASE_RATE=1000 -e SPIKE_RATE=10000 loadtest/k6/spike.js

import exec from 'k6/execution';
import { announceRun, floatEnv, intEnv, thresholds } from './lib/config.js';
import { send } from './lib/ingest.js';

const BASE = intEnv('BASE_RATE', 500);
const SPIKE = intEnv('SPIKE_RATE', 5000);

const limits = thresholds(['single']);
limits.http_req_failed = [`rate<${floatEnv('SPIKE_MAX_ERROR_RATE', 0.05)}`];
limits.logdapr_unexpected_responses = [`rate<${floatEnv('SPIKE_MAX_ERROR_RATE', 0.05)}`];
limits.checks = [`rate>${1 - floatEnv('SPIKE_MAX_ERROR_RATE', 0.05)}`];

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate',
      startRate: BASE,
      timeUnit: '1s',
      preAllocatedVUs: intEnv('VUS', 100),
      maxVUs: intEnv('MAX_VUS', 2000),
      stages: [
        { target: BASE, duration: '1m' },
        { target: SPIKE, duration: '10s' },
        { target: SPIKE, duration: __ENV.SPIKE_HOLD || '1m' },
        { target: BASE, duration: '10s' },
        { target: BASE, duration: '2m' },
      ],
    },
  },
  thresholds: limits,
};

export function setup() {
  announceRun();
}

export default function () {
  send(exec.scenario.iterationInTest, 1, 'single');
}
