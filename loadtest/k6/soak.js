// Soak: a moderate mixed load for hours, to catch leaks (watch ingest/aggregator memory), slow drift in latency
// and anything that only shows after partitions roll over (run it across midnight UTC at least once).
//   k6 run -e BASE_URL=... -e DURATION=4h -e SINGLE_RATE=500 -e BATCH_RATE=20 loadtest/k6/soak.js

import exec from 'k6/execution';
import { announceRun, intEnv, thresholds, BATCH_SIZE } from './lib/config.js';
import { send } from './lib/ingest.js';

const DURATION = __ENV.DURATION || '1h';

export const options = {
  scenarios: {
    single: {
      executor: 'constant-arrival-rate',
      exec: 'single',
      rate: intEnv('SINGLE_RATE', 200),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 20,
      maxVUs: 200,
    },
    batch: {
      executor: 'constant-arrival-rate',
      exec: 'batch',
      rate: intEnv('BATCH_RATE', 10),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 10,
      maxVUs: 100,
    },
  },
  thresholds: thresholds(['single', 'batch']),
};

export function setup() {
  announceRun();
}

export function single() {
  send(exec.scenario.iterationInTest, 1, 'single');
}

export function batch() {
  send(exec.scenario.iterationInTest, BATCH_SIZE, 'batch');
}
