// Stub of 'k6/data'.
export class SharedArray extends Array {
  constructor(_name, factory) {
    super();
    for (const item of factory()) {
      this.push(item);
    }
  }
}
export default { SharedArray };
