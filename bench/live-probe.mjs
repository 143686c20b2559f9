// Loaded with `node --import` after rss-probe.mjs: samples the live memory (V8 heap plus Buffers) right after a full
// garbage collection every 5 ms, and reports its peak on exit, for bench/files.js. Garbage waiting for the collector
// counts in RSS but is not memory the program holds; this probe tells the two apart.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
let peak = 0;
setInterval(() => {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  peak = Math.max(peak, heapUsed + arrayBuffers);
}, 5).unref();
process.on("exit", () => {
  process.stderr.write(`\n__PEAK_LIVE_KB__=${Math.round(peak / 1024)}\n`);
});
