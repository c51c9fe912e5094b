// Checks k6 scripts without k6: `node --check` for syntax, then (with register.mjs preloaded) imports each script
// against stubbed k6 modules — which resolves every import and named export — validates its options (executors,
// thresholds) and runs setup and each scenario function once. Exit code 1 on the first kind of problem, with the reason.
//   node --import ./register.mjs check.mjs <script.js>...
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { recorded } from 'k6/http';

const EXECUTORS = {
  'shared-iterations': [],
  'per-vu-iterations': [],
  'constant-vus': ['duration'],
  'ramping-vus': ['stages'],
  'constant-arrival-rate': ['rate', 'duration', 'preAllocatedVUs'],
  'ramping-arrival-rate': ['stages', 'preAllocatedVUs'],
  'externally-controlled': ['duration'],
};
const THRESHOLD = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(\.\d+)?\))\s*(<|<=|>|>=|==|===|!=)\s*-?\d+(\.\d+)?\s*$/;
const METRIC = /^[A-Za-z0-9_]+(\{[A-Za-z0-9_]+:[^{}]+\})?$/;

const problems = [];
for (const script of process.argv.slice(2)) {
  const syntax = checkSyntax(script);
  if (syntax.status !== 0) {
    problems.push(`${script}: syntax error\n${syntax.stderr}`);
    continue;
  }
  try {
    const module = await import(pathToFileURL(script).href);
    const issues = validate(module);
    if (issues.length > 0) {
      problems.push(`${script}:\n  ${issues.join('\n  ')}`);
      continue;
    }
    const data = typeof module.setup === 'function' ? module.setup() : undefined;
    for (const name of entryPoints(module)) {
      module[name](data);
    }
    if (typeof module.teardown === 'function') {
      module.teardown(data);
    }
    const failedRate = checkFailedRequests(module, recorded.splice(0));
    if (failedRate) {
      problems.push(`${script}: ${failedRate}`);
      continue;
    }
    console.log(`ok ${script}`);
  } catch (error) {
    problems.push(`${script}: ${error && error.stack ? error.stack : error}`);
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n\n'));
  process.exit(1);
}

// `node --check` on a .js file that uses import/export exits 0 even on a syntax error (the file is first tried as
// CommonJS); a .mjs copy is parsed as an ES module, as k6 does, so the error is reported.
function checkSyntax(script) {
  const directory = mkdtempSync(join(tmpdir(), 'k6-syntax-'));
  try {
    const copy = join(directory, basename(script).replace(/\.js$/, '') + '.mjs');
    copyFileSync(script, copy);
    return spawnSync(process.execPath, ['--check', copy], { encoding: 'utf8' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function validate(module) {
  const issues = [];
  const options = module.options;
  if (options === undefined) {
    return typeof module.default === 'function' ? issues : ['exports neither options nor a default function'];
  }
  if (typeof options !== 'object' || options === null) {
    return ['options is not an object'];
  }
  for (const [name, scenario] of Object.entries(options.scenarios || {})) {
    const required = EXECUTORS[scenario.executor];
    if (!required) {
      issues.push(`scenario ${name}: unknown executor '${scenario.executor}'`);
      continue;
    }
    for (const field of required) {
      if (scenario[field] === undefined) {
        issues.push(`scenario ${name}: ${scenario.executor} needs '${field}'`);
      }
    }
    const fn = scenario.exec || 'default';
    if (typeof module[fn] !== 'function') {
      issues.push(`scenario ${name}: exec function '${fn}' is not exported`);
    }
  }
  for (const [metric, rules] of Object.entries(options.thresholds || {})) {
    if (!METRIC.test(metric)) {
      issues.push(`threshold metric '${metric}' is not a metric name with an optional {tag:value}`);
    }
    for (const rule of rules) {
      const expression = typeof rule === 'string' ? rule : rule && rule.threshold;
      if (typeof expression !== 'string' || !THRESHOLD.test(expression)) {
        issues.push(`threshold '${metric}': '${JSON.stringify(rule)}' is not an aggregation compared with a number`);
      }
    }
  }
  return issues;
}

// With every answer as the script expects it, the share of requests k6 counts as failed must stay under the script's
// own http_req_failed threshold; otherwise the script fails against a perfectly healthy service.
function checkFailedRequests(module, requests) {
  const rules = (module.options && module.options.thresholds && module.options.thresholds.http_req_failed) || [];
  const failed = requests.filter((r) => r.failed);
  const rate = requests.length === 0 ? 0 : failed.length / requests.length;
  for (const rule of rules) {
    const expression = typeof rule === 'string' ? rule : rule.threshold;
    const match = /^\s*rate\s*(<|<=)\s*(\d+(\.\d+)?)\s*$/.exec(expression);
    if (match && !(match[1] === '<' ? rate < Number(match[2]) : rate <= Number(match[2]))) {
      const examples = failed.slice(0, 3).map((r) => `${r.method} ${r.url} -> ${r.status}`).join(', ');
      return `fails its own threshold http_req_failed '${expression}' against a service answering as expected: `
        + `${failed.length} of ${requests.length} requests counted failed (${examples})`;
    }
  }
  return null;
}

function entryPoints(module) {
  const scenarios = Object.values((module.options && module.options.scenarios) || {});
  const names = new Set(scenarios.map((s) => s.exec || 'default'));
  if (names.size === 0) {
    names.add('default');
  }
  return [...names].filter((name) => typeof module[name] === 'function');
}
