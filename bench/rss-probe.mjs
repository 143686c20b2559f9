// Loaded with `node --import`: reports the process's peak RSS on exit, for bench/run.js.
process.on("exit", () => {
  process.stderr.write(`\n__PEAK_RSS_KB__=${process.resourceUsage().maxRSS}\n`);
});
