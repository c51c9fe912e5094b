// Constant arrival rate (open model): single events and batches at fixed rates, side by side.
//   k6 run -e BASE_URL=... -e SINGLE_RATE=5000 -e BATCH_RATE=300 -e DURATION=5m loadtest/k6/constant-rate.js

import exec from 'k6/execution';
import { announceRun, intEnv, thresholds, BATCH_SIZE } from './lib/config.js';
import { send } from './lib/ingest.js';

const DURATION = __ENV.DURATION || '2m';

export const options = {
  discardResponseBodies: false,
  scenarios: {
    single: {
      executor: 'constant-arrival-rate',
      exec: 'single',
      rate: intEnv('SINGLE_RATE', 1000),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: intEnv('SINGLE_VUS', 50),
      maxVUs: intEnv('SINGLE_MAX_VUS', 500),
    },
    batch: {
      executor: 'constant-arrival-rate',
      exec: 'batch',
      rate: intEnv('BATCH_RATE', 50),
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: intEnv('BATCH_VUS', 20),
      maxVUs: intEnv('BATCH_MAX_VUS', 200),
    },
  },
  thresholds: Object.assign(thresholds(['single', 'batch']), {
    // An arrival-rate executor that runs out of VUs drops iterations: the server was too slow for the rate.
    dropped_iterations: [`count<${intEnv('MAX_DROPPED', 1)}`],
  }),
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
