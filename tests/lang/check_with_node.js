#!/usr/bin/env node
// Checks the language tests' expectations against node, so a wrong
// expectation is caught without waiting for (or trusting) the Raya
// interpreter. Every tests/lang/**/*.raya file that is plain JavaScript runs
// here the way `raya run` would run it (same stdout, result and error
// rules as lang_test_driver.cpp, see README.md); files whose behaviour
// differs from JavaScript's (no coercions, strict ==, resource limits,
// TypeScript syntax, ...) carry a `// node: skip <why>` line and are left
// out, as are files run with limit or grant flags (`// args: --max-steps
// ...`, `--grant ...`), which node cannot honour.
//
// What node cannot decide is not compared: compile errors are only checked
// to fail compilation (V8's locations and messages are not Raya's), and
// error messages written with `...` wildcards are implementation-chosen, so
// only the error name is compared for them.
//
// Usage:
//   node check_with_node.js [FILE.raya ...]      check all (or some) files
//   node check_with_node.js --emulate run [--print-result] [flags] FILE
//        behave like `raya run` (for testing the driver itself)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const vm = require('vm');
const { pathToFileURL } = require('url');

const ROOT = __dirname;

// ---------------------------------------------------------------------------
// Expectations (the same grammar as lang_test_driver.cpp)

function parseExpectations(source) {
  const e = {
    stdoutLines: [], result: null, runtimeError: null, compileError: null,
    exit: null, stderrContains: [], args: [], node: null, problems: [],
  };
  const directive = /\/\/\s*(expect\b[^:]*|args|node):\s?(.*)$/;
  source.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const m = directive.exec(line);
    if (!m) return;
    const kind = m[1].trim();
    const text = m[2].replace(/[ \t]+$/, '');
    switch (kind) {
      case 'expect': e.stdoutLines.push(text); break;
      case 'expect result': e.result = text.trim(); break;
      case 'expect runtime error': e.runtimeError = text.trim(); break;
      case 'expect compile error': e.compileError = text.trim(); break;
      case 'expect exit': e.exit = Number(text.trim()); break;
      case 'expect stderr': e.stderrContains.push(text.trim()); break;
      // Bounds on the Raya run (its --stats and output size) and text its
      // stderr must not carry: nothing node's run can be held to.
      case 'expect stderr lacks':
      case 'expect steps at most':
      case 'expect heap at most':
      case 'expect output at most': break;
      case 'args': e.args.push(...text.split(/\s+/).filter(Boolean)); break;
      case 'node': e.node = text.trim(); break;
      default: e.problems.push(`line ${index + 1}: unknown directive '${kind}:'`);
    }
  });
  return e;
}

function matchesWithEllipses(pattern, text) {
  const parts = pattern.split('...');
  if (parts.length === 1) return pattern === text;
  if (!text.startsWith(parts[0])) return false;
  let pos = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], pos);
    if (found < 0) return false;
    pos = found + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return text.length >= pos + last.length && text.endsWith(last);
}

// ---------------------------------------------------------------------------
// Running a program the way `raya run` would

class UnspecifiedOutput extends Error {}

function formatForConsole(value) {
  switch (typeof value) {
    case 'string': return value;
    case 'number': case 'boolean': case 'undefined': return String(value);
    case 'object': if (value === null) return 'null';
    // falls through
    default:
      // LANGUAGE.md does not fix how console.log shows objects, arrays or
      // functions: tests print JSON.stringify(x) or fields instead.
      throw new UnspecifiedOutput(`console.log of ${util.inspect(value)}: format not specified by LANGUAGE.md`);
  }
}

function isErrorObject(value) {
  return Object.prototype.toString.call(value) === '[object Error]';
}

function describeUncaught(value) {
  if (isErrorObject(value)) {
    return `error: ${value.name}: ${value.message}\n${value.stack || ''}`;
  }
  let shown;
  try { shown = typeof value === 'string' ? value : JSON.stringify(value); } catch { shown = String(value); }
  return `error: Uncaught ${shown}`;
}

// Copies a module file and everything it imports through relative paths into
// dir as .mjs files, rewriting the specifiers, and returns the copy's path.
function copyModuleTree(file, dir, copied = new Map()) {
  if (copied.has(file)) return copied.get(file);
  const rel = path.relative(ROOT, file);
  const target = path.join(dir, rel.replace(/\.raya$/, '.mjs'));
  copied.set(file, target);
  let source = fs.readFileSync(file, 'utf8');
  source = source.replace(/((?:from|import)\s*\(?\s*["'])(\.\.?\/[^"']+)\.raya(["'])/g, (all, pre, spec, post) => {
    copyModuleTree(path.resolve(path.dirname(file), spec + '.raya'), dir, copied);
    return `${pre}${spec}.mjs${post}`;
  });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, source);
  return target;
}

const isModule = (source) => /^\s*(import|export)\b/m.test(source);

async function emulateRun(relPath, printResult) {
  const file = path.join(ROOT, relPath);
  const source = fs.readFileSync(file, 'utf8');
  const stdout = [];
  const stderr = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const capture = (sink) => (...args) => { sink.push(args.map(formatForConsole).join(' ')); };
  let status = 0;
  let result;
  let tmp = null;
  try {
    let run;
    if (isModule(source)) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'raya-node-'));
      const entry = copyModuleTree(file, tmp);
      run = async () => {
        const ns = await import(pathToFileURL(entry).href);
        return typeof ns.main === 'function' ? ns.main() : undefined;
      };
    } else {
      // Top-level `return` and `await` are allowed in Raya scripts: wrap the
      // file in an async function, on its first line so line numbers stay.
      let fn;
      try {
        fn = vm.runInThisContext(`(async function () { "use strict"; ${source}\n})`, { filename: relPath });
      } catch (e) {
        return { status: 2, stdout, stderr: [`${relPath}:0:0: error: ${e.message}`] };
      }
      run = fn;
    }
    console.log = capture(stdout);
    console.info = capture(stdout);
    console.warn = capture(stderr);
    console.error = capture(stderr);
    try {
      result = await run();
    } catch (e) {
      if (e instanceof UnspecifiedOutput) throw e;
      if (e instanceof SyntaxError && isModule(source) && !stdout.length) {
        status = 2;
        stderr.push(`${relPath}:0:0: error: ${e.message}`);
      } else {
        status = 1;
        stderr.push(describeUncaught(e));
      }
    }
  } finally {
    Object.assign(console, saved);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (status === 0 && printResult) {
    const json = JSON.stringify(result === undefined ? null : result);
    stdout.push(json === undefined ? 'null' : json);
  }
  const lines = (sink) => (sink.length ? sink.join('\n').split('\n') : []);
  return { status, stdout: lines(stdout), stderr: lines(stderr) };
}

// ---------------------------------------------------------------------------
// Checking one file

function sameJson(expected, actual) {
  if (expected === actual) return true;
  try {
    return util.isDeepStrictEqual(JSON.parse(expected), JSON.parse(actual));
  } catch {
    return false;
  }
}

async function checkFile(relPath) {
  const source = fs.readFileSync(path.join(ROOT, relPath), 'utf8');
  const e = parseExpectations(source);
  if (e.problems.length) return { outcome: 'fail', why: e.problems };
  if (e.node !== null) {
    if (!/^skip\b/.test(e.node)) return { outcome: 'fail', why: [`'// node: ${e.node}': only 'node: skip <why>' is known`] };
    return { outcome: 'skip' };
  }
  // Limits and grants (--max-steps, --grant, ...) have no node equivalent.
  if (e.args.some((a) => a.startsWith('--') && a !== '--print-result' && a !== '--stats')) {
    return { outcome: 'skip' };
  }
  let run;
  try {
    run = await emulateRun(relPath, e.result !== null);
  } catch (err) {
    return { outcome: 'fail', why: [err.message] };
  }
  const why = [];
  let expectedStatus = 0;
  if (e.runtimeError !== null) expectedStatus = 1;
  if (e.compileError !== null) expectedStatus = 2;
  if (e.exit !== null) expectedStatus = e.exit;
  if (run.status !== expectedStatus) why.push(`status ${run.status}, expected ${expectedStatus}`);

  const lines = run.stdout.slice();
  if (e.result !== null && run.status === 0) {
    const actual = lines.pop();
    if (!sameJson(e.result, actual)) why.push(`result ${actual}, expected ${e.result}`);
  }
  const n = Math.max(lines.length, e.stdoutLines.length);
  for (let i = 0; i < n; i++) {
    if (lines[i] !== e.stdoutLines[i]) {
      why.push(`stdout line ${i + 1}: ${JSON.stringify(lines[i])}, expected ${JSON.stringify(e.stdoutLines[i])}`);
      break;
    }
  }
  if (e.runtimeError !== null && run.status === 1) {
    const first = run.stderr[0] || '';
    const wanted = 'error: ' + e.runtimeError;
    const nameOnly = (s) => s.slice(0, s.indexOf(':', 7));
    const ok = e.runtimeError.includes('...')
      ? nameOnly(first) === nameOnly(wanted) || (!first.startsWith('error: Uncaught') && matchesWithEllipses(wanted, first))
      : first === wanted;
    if (!ok) why.push(`first stderr line ${JSON.stringify(first)}, expected ${JSON.stringify(wanted)}`);
  }
  const allErr = run.stderr.join('\n');
  for (const text of e.stderrContains) {
    if (!allErr.includes(text)) why.push(`stderr lacks ${JSON.stringify(text)}: ${JSON.stringify(allErr.slice(0, 300))}`);
  }
  return why.length ? { outcome: 'fail', why } : { outcome: 'pass' };
}

// ---------------------------------------------------------------------------
// Discovery and main

function allTestFiles(dir = ROOT, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) allTestFiles(full, out);
    else if (entry.name.endsWith('.raya')) out.push(path.relative(ROOT, full));
  }
  return out.sort();
}

function importedModules(files) {
  const imported = new Set();
  const spec = /(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g;
  for (const rel of files) {
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    for (const m of source.matchAll(spec)) imported.add(path.normalize(path.join(path.dirname(rel), m[1])));
  }
  return imported;
}

async function checkAll(requested) {
  const files = allTestFiles();
  const modules = importedModules(files);
  const chosen = requested.length ? requested : files;
  let passed = 0, failed = 0, skipped = 0;
  for (const rel of chosen) {
    if (rel.split(path.sep).includes('_support') || modules.has(path.normalize(rel))) continue;
    const r = await checkFile(rel);
    if (r.outcome === 'pass') passed++;
    else if (r.outcome === 'skip') skipped++;
    else {
      failed++;
      console.log(`FAIL ${rel}`);
      for (const w of r.why) console.log(`     ${w}`);
    }
  }
  console.log(`node cross-check: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed ? 1 : 0;
}

async function emulateCli(args) {
  if (args[0] !== 'run') {
    process.stderr.write('usage: check_with_node.js --emulate run [--print-result] [flags] FILE\n');
    return 64;
  }
  const printResult = args.includes('--print-result');
  const file = args[args.length - 1];
  const r = await emulateRun(path.relative(ROOT, path.resolve(file)), printResult);
  if (r.stdout.length) process.stdout.write(r.stdout.join('\n') + '\n');
  if (r.stderr.join('')) process.stderr.write(r.stderr.join('\n') + '\n');
  return r.status;
}

const argv = process.argv.slice(2);
(argv[0] === '--emulate' ? emulateCli(argv.slice(1)) : checkAll(argv)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; });
