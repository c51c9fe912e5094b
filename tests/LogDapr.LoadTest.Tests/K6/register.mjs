// Preloaded with `node --import` for the k6 script check only: installs the resolve/load hooks below and the
// globals k6 provides to scripts. Nothing here is used by k6 itself.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

globalThis.__ENV = Object.assign({}, process.env);
globalThis.__VU = 1;
globalThis.__ITER = 0;
globalThis.open = () => '';
