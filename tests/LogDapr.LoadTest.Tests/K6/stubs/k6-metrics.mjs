// Stub of 'k6/metrics'.
class Metric {
  constructor(name) {
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) {
      throw new Error(`invalid k6 metric name '${name}'`);
    }
    this.name = name;
  }
  add() {}
}
export class Counter extends Metric {}
export class Gauge extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
export default { Counter, Gauge, Rate, Trend };
