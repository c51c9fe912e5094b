// Stub of 'k6/http' for the script check. The "service" answers every request the way the script expects it to:
// the first status its own responseCallback names, else 200 for GET and 202 for the rest. Each answer is then
// classified as k6 does for http_req_failed (the request's responseCallback, else the one set with
// setResponseCallback, else 200-399 expected), so check.mjs can tell a script that fails its own threshold.
let globalCallback = null;
export const recorded = [];

function expectedBy(params) {
  const callback = params && params.responseCallback !== undefined ? params.responseCallback : globalCallback;
  return callback && Array.isArray(callback.statuses) ? callback.statuses : null;
}

function response(method, url, body, params) {
  let accepted = 0;
  try {
    const parsed = JSON.parse(body || 'null');
    accepted = Array.isArray(parsed) ? parsed.length : parsed ? 1 : 0;
  } catch {
    accepted = 0;
  }
  const own = params && params.responseCallback && params.responseCallback.statuses;
  const status = own && own.length > 0 ? own[0] : method === 'GET' ? 200 : 202;
  const expected = expectedBy(params);
  const failed = expected ? !expected.includes(status) : status < 200 || status > 399;
  recorded.push({ method, url, status, failed });
  const json = { accepted: accepted, rejected: [] };
  return {
    status,
    body: JSON.stringify(json),
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    timings: { duration: 1, waiting: 1 },
    request: { method, url, body, params },
    json: (path) => (path ? json[path] : json),
  };
}
export function request(method, url, body, params) { return response(method, url, body, params); }
export function get(url, params) { return response('GET', url, null, params); }
export function post(url, body, params) { return response('POST', url, body, params); }
export function put(url, body, params) { return response('PUT', url, body, params); }
export function del(url, body, params) { return response('DELETE', url, body, params); }
export function batch(requests) { return requests.map((r) => response(r.method || 'GET', r.url, r.body, r.params)); }
export function expectedStatuses(...statuses) { return { statuses }; }
export function setResponseCallback(callback) { globalCallback = callback; }
export default { request, get, post, put, del, batch, expectedStatuses, setResponseCallback };
