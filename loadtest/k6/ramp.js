// Ramp: batches at a rising arrival rate, to find where latency bends and errors start.
//   k6 run -e BASE_URL=... -e START_RATE=10 -e PEAK_RATE=600 -e RAMP=10m loadtest/k6/ramp.js

import exec from 'k6/execution';
import { announceRun, intEnv, thresholds, BATCH_SIZE } from './lib/config.js';
import { send } from './lib/ingest.js';

const PEAK = intEnv('PEAK_RATE', 400);

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: intEnv('START_RATE', 10),
      timeUnit: '1s',
      preAllocatedVUs: intEnv('VUS', 50),
      maxVUs: intEnv('MAX_VUS', 1000),
      stages: [
        { target: PEAK, duration: __ENV.RAMP || '5m' },
        { target: PEAK, duration: __ENV.HOLD || '1m' },
        { target: 0, duration: '30s' },
      ],
    },
  },
  thresholds: thresholds(['batch']),
};

export function setup() {
  announceRun();
}

export default function () {
  send(exec.scenario.iterationInTest, BATCH_SIZE, 'batch');
}
