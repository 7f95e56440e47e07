// The demo's single page: lists an org's legacy orders through the importLegacyOrders action
// and adjusts totals through adjustOrderTotal.
export const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@lunora/hyperdrive demo</title>
<style>
 body { font: 15px system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; color: #1d232b; }
 table { border-collapse: collapse; width: 100%; } td, th { padding: .35rem .6rem; border-bottom: 1px solid #dde; text-align: left; }
 button { padding: .2rem .6rem; } .err { color: #b00020; } code { background: #f3f4f7; padding: 0 .25rem; }
</style></head>
<body>
<h1>Legacy orders over Hyperdrive</h1>
<p>Each row is read by the <code>importLegacyOrders</code> action with <code>ctx.sql</code>
(postgres.js through the <code>HYPERDRIVE</code> binding). The buttons run
<code>adjustOrderTotal</code>, a transaction that updates the order and writes an audit row.</p>
<label>Org <select id="org"><option>acme</option><option>globex</option></select></label>
<table><thead><tr><th>Order</th><th>Customer</th><th>Total</th><th>Updated</th><th></th></tr></thead>
<tbody id="rows"></tbody></table>
<p id="status"></p>
<script>
const $ = (id) => document.getElementById(id);
async function call(name, args) {
  const r = await fetch('/api/actions/' + name, { method: 'POST', body: JSON.stringify(args) });
  const body = await r.json();
  if (!body.ok) throw new Error(body.message);
  return body.value;
}
async function load() {
  try {
    const orders = await call('importLegacyOrders', { orgId: $('org').value });
    $('rows').innerHTML = '';
    for (const o of orders) {
      const tr = document.createElement('tr');
      for (const v of [o.id, o.customer, o.total, new Date(o.updated_at).toLocaleString()]) {
        const td = document.createElement('td'); td.textContent = v; tr.append(td);
      }
      const td = document.createElement('td');
      for (const delta of [10, -10]) {
        const b = document.createElement('button');
        b.textContent = (delta > 0 ? '+' : '') + delta;
        b.onclick = async () => { await call('adjustOrderTotal', { id: o.id, delta }); load(); };
        td.append(b, ' ');
      }
      tr.append(td); $('rows').append(tr);
    }
    $('status').textContent = orders.length + ' orders';
    $('status').className = '';
  } catch (e) { $('status').textContent = e.message; $('status').className = 'err'; }
}
$('org').onchange = load;
load();
</script></body></html>`;
