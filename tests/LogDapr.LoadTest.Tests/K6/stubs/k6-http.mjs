// Stub of 'k6/http': every request "succeeds" with a 202 whose body echoes a plausible accepted count.
function response(method, url, body, params) {
  let accepted = 0;
  try {
    const parsed = JSON.parse(body || 'null');
    accepted = Array.isArray(parsed) ? parsed.length : parsed ? 1 : 0;
  } catch {
    accepted = 0;
  }
  const json = { accepted: accepted, rejected: [] };
  return {
    status: method === 'GET' ? 200 : 202,
    body: JSON.stringify(json),
    headers: { 'Content-Type': 'application/json' },
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
export function setResponseCallback() {}
export default { request, get, post, put, del, batch, expectedStatuses, setResponseCallback };
