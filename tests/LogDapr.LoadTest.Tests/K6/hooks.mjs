// Module hooks for the k6 script check: 'k6' and 'k6/<module>' resolve to the stubs in ./stubs (an unknown k6
// module fails, as it would in k6), and every .js file is loaded as an ES module, as k6 does.
const KNOWN = new Set(['k6', 'k6/http', 'k6/metrics', 'k6/execution', 'k6/data', 'k6/encoding', 'k6/crypto']);

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    if (!KNOWN.has(specifier)) {
      throw new Error(`unknown k6 module '${specifier}'`);
    }
    const file = specifier === 'k6' ? 'k6' : specifier.replace('/', '-');
    return { url: new URL(`./stubs/${file}.mjs`, import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.js')) {
    return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}
