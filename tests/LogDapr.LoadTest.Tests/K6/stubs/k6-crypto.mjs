// Stub of 'k6/crypto'.
import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';
export function sha256(value, encoding) { return createHash('sha256').update(value).digest(encoding || 'hex'); }
export function hmac(algorithm, secret, value, encoding) { return createHmac(algorithm, secret).update(value).digest(encoding || 'hex'); }
export function randomBytes(size) { return nodeRandomBytes(size).buffer; }
export default { sha256, hmac, randomBytes };
