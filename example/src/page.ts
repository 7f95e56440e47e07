// The demo's single page. Left: the legacy `orders` rows, read by the importLegacyOrders
// action over ctx.sql (not live: reload with the button). Right: a live query over the
// `orderProjections` `.global()` table through a WebSocket; "Sync" runs syncOrder, and a note
// saved through the setNote mutation shows up on every open page without a reload.
export const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@lunora/hyperdrive demo</title>
<style>
 body { font: 15px system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1d232b; padding: 0 1rem; }
 .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
 table { border-collapse: collapse; width: 100%; } td, th { padding: .35rem .5rem; border-bottom: 1px solid #dde; text-align: left; }
 button { padding: .15rem .5rem; } input { width: 9rem; } .err { color: #b00020; } code { background: #f3f4f7; padding: 0 .25rem; }
 #live { font-size: 13px; } #live.on { color: #0a7a32; } .flash { animation: flash 1s; }
 @keyframes flash { from { background: #fff3b0; } to { background: transparent; } }
</style></head>
<body>
<h1>Legacy orders, made reactive</h1>
<p><label>Org <select id="org"><option>acme</option><option>globex</option></select></label>
 <span id="live">connecting…</span></p>
<div class="cols">
<section>
<h2>Legacy <code>orders</code> (over <code>ctx.sql</code>)</h2>
<p>Read by the <code>importLegacyOrders</code> action. Writes here (<code>adjustOrderTotal</code>)
are invisible to live queries until the order is synced.</p>
<table><thead><tr><th>Order</th><th>Customer</th><th>Total</th><th></th></tr></thead><tbody id="legacy"></tbody></table>
<p><button id="reload">Reload legacy rows</button></p>
</section>
<section>
<h2>Live <code>orderProjections</code> (<code>.global()</code>)</h2>
<p>A live query over WebSocket. <b>Sync</b> runs <code>syncOrder</code> (read over <code>ctx.sql</code>,
write through <code>runMutation</code>); a note is saved by the <code>setNote</code> mutation.
Open this page twice: both update.</p>
<table><thead><tr><th>Order</th><th>Customer</th><th>Total</th><th>Note</th></tr></thead><tbody id="projections"></tbody></table>
</section>
</div>
<p id="status"></p>
<script>
const $ = (id) => document.getElementById(id);
function status(text, error) { $('status').textContent = text; $('status').className = error ? 'err' : ''; }
async function run(kind, name, args) {
  const r = await fetch('/api/run', { method: 'POST', body: JSON.stringify({ kind, name, args }) });
  const body = await r.json();
  if (!body.ok) throw new Error(body.code + ': ' + body.message);
  return body.value;
}
function cell(tr, value) { const td = document.createElement('td'); td.textContent = value; tr.append(td); return td; }
function button(label, onclick) { const b = document.createElement('button'); b.textContent = label; b.onclick = onclick; return b; }

async function loadLegacy() {
  try {
    const orders = await run('action', 'importLegacyOrders', { orgId: $('org').value });
    $('legacy').innerHTML = '';
    for (const o of orders) {
      const tr = document.createElement('tr');
      cell(tr, o.id); cell(tr, o.customer); cell(tr, o.total.toFixed(2));
      const td = cell(tr, '');
      td.append(button('Sync', async () => {
        try { await run('action', 'syncOrder', { id: o.id }); status('synced ' + o.id); } catch (e) { status(e.message, true); }
      }), ' ');
      for (const delta of [10, -10]) td.append(button((delta > 0 ? '+' : '') + delta, async () => {
        try { await run('action', 'adjustOrderTotal', { id: o.id, delta }); await loadLegacy(); status(o.id + ' changed in the legacy table (sync it to project it)'); }
        catch (e) { status(e.message, true); }
      }), ' ');
      $('legacy').append(tr);
    }
  } catch (e) { status(e.message, true); }
}

function renderProjections(rows) {
  const focused = document.activeElement && document.activeElement.dataset.id;
  $('projections').innerHTML = '';
  if (rows.length === 0) { const tr = document.createElement('tr'); cell(tr, 'nothing synced yet').colSpan = 4; $('projections').append(tr); }
  for (const p of rows) {
    const tr = document.createElement('tr'); tr.className = 'flash';
    cell(tr, p.orderId); cell(tr, p.customer); cell(tr, p.total.toFixed(2));
    const td = cell(tr, '');
    const input = document.createElement('input'); input.value = p.note; input.dataset.id = p._id; input.placeholder = 'note';
    const save = button('Save', async () => {
      try { await run('mutation', 'setNote', { id: p._id, note: input.value }); status('note saved'); } catch (e) { status(e.message, true); }
    });
    input.onkeydown = (e) => { if (e.key === 'Enter') save.click(); };
    td.append(input, ' ', save);
    $('projections').append(tr);
    if (focused === p._id) input.focus();
  }
}

// Live query over a WebSocket; reconnects and resubscribes if the socket drops.
let socket;
let subscription = 0;
function subscribe() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  socket.send(JSON.stringify({ type: 'unsubscribe', id: subscription }));
  subscription += 1;
  socket.send(JSON.stringify({ type: 'subscribe', id: subscription, name: 'projections', args: { org: $('org').value } }));
}
function connect() {
  socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/ws');
  socket.onopen = () => { $('live').textContent = '● live'; $('live').className = 'on'; subscribe(); };
  socket.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === 'result' && m.id === subscription) renderProjections(m.value);
    if (m.type === 'error') status('live query: ' + m.code + ': ' + m.message, true);
  };
  socket.onclose = () => { $('live').textContent = 'reconnecting…'; $('live').className = ''; setTimeout(connect, 1000); };
}
$('org').onchange = () => { loadLegacy(); subscribe(); };
$('reload').onclick = loadLegacy;
loadLegacy();
connect();
</script></body></html>`;
