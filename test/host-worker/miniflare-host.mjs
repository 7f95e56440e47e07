// Hosts the store-host test Worker (a wrangler --dry-run bundle of test/host-worker) in
// Miniflare in its own process, with its Durable Objects; like test/support/worker-host.mjs.
//   node miniflare-host.mjs '<json: {scriptDir, compatibilityDate, compatibilityFlags, hyperdrives, durableObjects}>'
// Prints "READY <url>" once serving.
import { join } from "node:path";
import { Miniflare } from "miniflare";

const options = JSON.parse(process.argv[2]);

process.on("uncaughtException", (error) => {
  process.stderr.write(`[host-worker] proxy error: ${error?.code ?? ""} ${error?.message}\n`);
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
process.stdin.on("end", shutdown);
process.stdin.resume();
