// Reads one face and one spectrogram of an s2f data root with DuckDB alone: no Spark, no project code.
//   npm install @duckdb/node-api        (ships DuckDB's binary in the npm package)
//   node read-tensors.mjs DATA_ROOT [OUT_DIR]        (from the folder npm installed into)
// A dataset folder is read through the files its Delta log says are live (adds minus removes) when it has a
// _delta_log, else through every Parquet part file under it. Writes OUT_DIR/<clip_id>.png and prints the
// spectrogram's shape, layout comment and a few values.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const root = process.argv[2];
const out = process.argv[3] ?? '.';
if (!root) {
  console.error('usage: node read-tensors.mjs DATA_ROOT [OUT_DIR]');
  process.exit(2);
}
const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS();
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

/** The Parquet files that hold a dataset's current rows. */
async function liveFiles(table) {
  const log = path.join(table, '_delta_log');
  if (!fs.existsSync(log)) {
    return [...fs.readdirSync(table, { recursive: true })].map(String)
      .filter((f) => f.endsWith('.parquet') && !f.split(path.sep).some((p) => p.startsWith('_') || p.startsWith('.')))
      .map((f) => path.join(table, f));
  }
  const live = new Set();
  let from = -1;
  const last = path.join(log, '_last_checkpoint');
  if (fs.existsSync(last)) { // a checkpoint holds every live add as of its version
    const { version, parts } = JSON.parse(fs.readFileSync(last, 'utf8'));
    const v = String(version).padStart(20, '0');
    const files = parts ? Array.from({ length: parts }, (_, i) =>
      `${v}.checkpoint.${String(i + 1).padStart(10, '0')}.${String(parts).padStart(10, '0')}.parquet`)
      : [`${v}.checkpoint.parquet`];
    const list = files.map((f) => quote(path.join(log, f))).join(', ');
    for (const r of await rows(`SELECT "add".path AS p, "add".deletionVector IS NOT NULL AS dv
        FROM read_parquet([${list}], union_by_name = true) WHERE "add" IS NOT NULL`)) {
      if (r.dv) throw new Error(deletionVectors(table));
      live.add(decodeURIComponent(r.p));
    }
    from = version;
  }
  const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()
    .filter((f) => Number(f.slice(0, 20)) > from);
  for (const f of commits) {
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean)) {
      const action = JSON.parse(line);
      if (action.add?.deletionVector) throw new Error(deletionVectors(table));
      if (action.add) live.add(decodeURIComponent(action.add.path));
      if (action.remove) live.delete(decodeURIComponent(action.remove.path));
    }
  }
  return [...live].map((p) => (p.includes('://') ? p : path.join(table, p)));
}

// A live file with a deletion vector still holds rows a MERGE replaced; only a Delta reader can skip them.
function deletionVectors(table) {
  return `${table} has deletion vectors (rows replaced by a MERGE still sit in its files); run s2f optimize, which `
    + 'purges them, then read it again.';
}

const parquet = async (name) => `read_parquet([${(await liveFiles(path.join(root, name))).map(quote).join(', ')}])`;

// A face: the PNG file's bytes, as stored.
const [face] = await rows(`SELECT clip_id, image FROM ${await parquet('faces')} ORDER BY clip_id LIMIT 1`);
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `${face.clip_id}.png`), face.image);
console.log(`face ${face.clip_id}: ${face.image.length} bytes of PNG -> ${path.join(out, face.clip_id + '.png')}`);

// A spectrogram: array<float> of frames x bins x 2 (time, frequency, real/imag), row-major; DuckDB lists start at 1.
const specs = (await liveFiles(path.join(root, 'spectrograms')));
const [meta] = await rows(`SELECT decode(value) AS v FROM parquet_kv_metadata(${quote(specs[0])})
  WHERE decode(key) = 'org.apache.spark.sql.parquet.row.metadata'`);
const layout = JSON.parse(meta.v).fields.find((f) => f.name === 'spec').metadata.comment;
const [s] = await rows(`SELECT clip_id, frames, bins, len(spec) AS n,
    spec[(100 * bins + 20) * 2 + 1] AS re, spec[(100 * bins + 20) * 2 + 2] AS im
  FROM ${await parquet('spectrograms')} ORDER BY clip_id LIMIT 1`);
console.log(`spectrogram ${s.clip_id}: ${s.frames} frames x ${s.bins} bins x 2 = ${s.n} floats; spec: ${layout}`);
console.log(`  frame 100, bin 20: ${s.re} + ${s.im}i, |.| = ${Math.hypot(s.re, s.im)}`);
