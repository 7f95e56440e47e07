// A TCP proxy that holds every chunk for a fixed time in each direction: a loopback database
// made to look like one across a network link (the benchmark's `--link-delay-ms`; the kernel's
// netem is not available on these machines). Runs in its own process, so its timers never
// share an event loop with the code being measured. Order is kept per direction; there is no
// flow control (benchmark volumes are small). Not part of the tests.
//
//   node scripts/bench/delay-proxy.mjs --listen PORT --to PORT --delay-ms MS
// Prints "listening PORT" once it accepts connections (`--listen 0`: a free port).
import net from "node:net";

const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0) throw new Error(`delay-proxy: ${name} is required`);
  return Number(process.argv[i + 1]);
};
const listen = arg("--listen");
const target = arg("--to");
const delayMs = arg("--delay-ms");

/** Forwards `from`'s data to `to`, each chunk `delayMs` after it arrived. */
function delayed(from, to) {
  const queue = [];
  let timer = null;
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) to.write(queue.shift().chunk);
    if (queue.length > 0) timer = setTimeout(flush, queue[0].due - now);
  };
  from.on("data", (chunk) => {
    queue.push({ chunk, due: performance.now() + delayMs });
    timer ??= setTimeout(flush, delayMs);
  });
  from.on("end", () => {
    const finish = () => (queue.length > 0 ? setTimeout(finish, delayMs) : to.end());
    finish();
  });
}

const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect({ host: "127.0.0.1", port: target }, () => upstream.setNoDelay(true));
  delayed(client, upstream);
  delayed(upstream, client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
  client.on("close", close);
  upstream.on("close", close);
});
server.listen(listen, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
