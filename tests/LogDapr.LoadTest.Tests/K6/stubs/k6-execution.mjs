// Stub of 'k6/execution'.
const execution = {
  scenario: { name: 'check', executor: 'shared-iterations', iterationInTest: 0, iterationInInstance: 0, startTime: Date.now(), progress: 0 },
  vu: { idInTest: 1, idInInstance: 1, iterationInScenario: 0, iterationInInstance: 0, tags: {}, metrics: { tags: {} } },
  instance: { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 1, vusInitialized: 1, currentTestRunDuration: 0 },
  test: { abort(message) { throw new Error(`test aborted: ${message}`); }, options: {} },
};
export default execution;
