import { Workspace } from './src/db/workspace.ts';
const ws = await Workspace.open('/tmp/summaries-bench/retention-10000000-1000000-20240105.duckdb', { memoryLimit: '8GB', threads: 2, tempDirectory: '/tmp/summaries-bench/retention.spill' });
await ws.withConnection(async (c) => {
  for (let i = 0; i < 2; i++) for (const sql of process.argv.slice(2)) {
    const t = performance.now(); const c0 = process.cpuUsage();
    const r = await c.runAndReadAll(sql);
    const u = process.cpuUsage(c0);
    console.log(((performance.now() - t) / 1000).toFixed(2), 's cpu', ((u.user + u.system) / 1e6).toFixed(2), JSON.stringify(r.getRowObjectsJS(), (k, v) => typeof v === 'bigint' ? Number(v) : v).slice(0, 100), sql.slice(0, 100).replace(/\s+/g, ' '));
  }
});
await ws.close();
