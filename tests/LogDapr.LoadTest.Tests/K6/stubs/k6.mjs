// Stub of k6's 'k6' module for the syntax check: same names, no behaviour beyond evaluating checks.
export function check(value, sets) {
  let ok = true;
  for (const predicate of Object.values(sets || {})) {
    ok = Boolean(predicate(value)) && ok;
  }
  return ok;
}
export function group(_name, fn) { return fn(); }
export function sleep() {}
export function fail(message) { throw new Error(message); }
export function randomSeed() {}
export default { check, group, sleep, fail, randomSeed };
