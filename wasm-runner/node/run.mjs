// rig's Node driver for WebAssembly modules: runs a WASI (preview 1 or
// "unstable") module with node:wasi, or a gc GOOS=js module with Go's
// wasm_exec.js, and times the phases itself.
//
// usage: node --no-warnings run.mjs [--dir HOST:GUEST]... [--env K=V]...
//             [--metrics FILE] [--wasm-exec PATH] MODULE [ARGS...]
//
// The module's stdout/stderr are the process's. When --metrics is given,
// "NAME VALUE" lines are written there at exit:
//   node_boot_ns         process start to this script's first line
//   compile_ns           WebAssembly.compile of the module bytes
//   instantiate_ns       WebAssembly.instantiate (imports bound, start run)
//   run_ns               _start (or go.run) until it returned
//   linear_memory_bytes  the exported memory's size at the end
//   exit_code
import { readFileSync, writeFileSync } from 'node:fs';
import { hrtime, argv, exit, stderr } from 'node:process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WASI } from 'node:wasi';
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';

const bootNs = Math.round(performance.now() * 1e6);

function usage(msg) {
	stderr.write(`run.mjs: ${msg}\nusage: node run.mjs [--dir HOST:GUEST] [--env K=V] [--metrics FILE] [--wasm-exec PATH] MODULE [ARGS...]\n`);
	exit(2);
}

const opts = { dirs: {}, env: {}, metrics: null, wasmExec: null };
let i = 2;
for (; i < argv.length; i++) {
	const a = argv[i];
	if (a === '--') { i++; break; }
	if (!a.startsWith('--')) break;
	const v = argv[i + 1];
	if (v === undefined) usage(`${a} needs a value`);
	i++;
	if (a === '--dir') {
		const k = v.lastIndexOf(':');
		if (k <= 0) usage(`--dir expects HOST:GUEST, got "${v}"`);
		opts.dirs[v.slice(k + 1)] = v.slice(0, k);
	} else if (a === '--env') {
		const k = v.indexOf('=');
		if (k <= 0) usage(`--env expects K=V, got "${v}"`);
		opts.env[v.slice(0, k)] = v.slice(k + 1);
	} else if (a === '--metrics') {
		opts.metrics = v;
	} else if (a === '--wasm-exec') {
		opts.wasmExec = v;
	} else {
		usage(`unknown option ${a}`);
	}
}
if (i >= argv.length) usage('no MODULE given');
const modulePath = argv[i];
const args = argv.slice(i + 1);

const m = { node_boot_ns: bootNs };
function writeMetrics(code) {
	m.exit_code = code;
	if (!opts.metrics) return;
	writeFileSync(opts.metrics, Object.entries(m).map(([k, v]) => `${k} ${v}\n`).join(''));
}
const since = (t) => Number(hrtime.bigint() - t);

async function runWasi(mod, version) {
	const wasi = new WASI({
		version, args: [modulePath, ...args], env: opts.env, preopens: opts.dirs,
		returnOnExit: true,
	});
	let t = hrtime.bigint();
	const instance = await WebAssembly.instantiate(mod, wasi.getImportObject());
	m.instantiate_ns = since(t);
	t = hrtime.bigint();
	let code = 0;
	try {
		if (instance.exports._start) code = wasi.start(instance);
		else wasi.initialize(instance);
	} finally {
		m.run_ns = since(t);
		if (instance.exports.memory) m.linear_memory_bytes = instance.exports.memory.buffer.byteLength;
	}
	return code;
}

async function runGojs(mod) {
	if (!opts.wasmExec) throw new Error('module imports "gojs" (GOOS=js): pass --wasm-exec $(go env GOROOT)/lib/wasm/wasm_exec.js');
	globalThis.fs ??= nodeFs;
	globalThis.path ??= nodePath;
	await import(pathToFileURL(opts.wasmExec).href);
	const go = new globalThis.Go();
	go.argv = [modulePath, ...args];
	go.env = opts.env;
	let code = 0;
	go.exit = (c) => { code = c; };
	let t = hrtime.bigint();
	const instance = await WebAssembly.instantiate(mod, go.importObject);
	m.instantiate_ns = since(t);
	t = hrtime.bigint();
	try {
		await go.run(instance);
	} finally {
		m.run_ns = since(t);
		if (instance.exports.mem) m.linear_memory_bytes = instance.exports.mem.buffer.byteLength;
	}
	return code;
}

let code;
try {
	const bytes = readFileSync(modulePath);
	const t = hrtime.bigint();
	const mod = await WebAssembly.compile(bytes);
	m.compile_ns = since(t);
	const imported = new Set(WebAssembly.Module.imports(mod).map((x) => x.module));
	if (imported.has('gojs')) code = await runGojs(mod);
	else code = await runWasi(mod, imported.has('wasi_unstable') ? 'unstable' : 'preview1');
} catch (e) {
	stderr.write(`run.mjs: ${modulePath}: ${e && e.stack ? e.stack : e}\n`);
	code = 70;
}
writeMetrics(code);
exit(code);
