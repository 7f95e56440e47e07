// Hosts the test Worker in Miniflare in its own process and serves it on a loopback port.
// A separate process because Miniflare's local Hyperdrive proxy raises upstream socket
// errors (refused or dropped database connections, which some tests cause on purpose) as
// uncaught exceptions in the process that runs it.
//   node worker-host.mjs '<json: {scriptDir, compatibilityDate, compatibilityFlags, hyperdrives, durableObjects, d1Databases}>'
// Prints "READY <url>" once serving; workerd's own output is forwarded to stdout.
import { join } from "node:path";
import { Miniflare } from "miniflare";

const options = JSON.parse(process.argv[2]);

process.on("uncaughtException", (error) => {
  process.stderr.write(`[worker-host] proxy error: ${error?.code ?? ""} ${error?.message}\n`);
});

const mf = new Miniflare({
  modules: true,
  scriptPath: join(options.scriptDir, "index.js"),
  modulesRoot: options.scriptDir,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: options.compatibilityDate,
  compatibilityFlags: options.compatibilityFlags,
  hyperdrives: options.hyperdrives,
  durableObjects: options.durableObjects,
  d1Databases: options.d1Databases,
  host: "127.0.0.1",
  port: 0,
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stdout);
    stderr.pipe(process.stdout);
  },
});
const url = await mf.ready;
process.stdout.write(`READY ${url.href}\n`);

const shutdown = async () => {
  await mf.dispose().catch(() => undefined);
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.stdin.on("end", shutdown); // parent went away
process.stdin.resume();
