// Stub of 'k6/encoding'.
export function b64encode(value) { return Buffer.from(String(value)).toString('base64'); }
export function b64decode(value) { return Buffer.from(String(value), 'base64').toString(); }
export default { b64encode, b64decode };
