#!/usr/bin/env node
import module from "node:module";

// Node 22.1 and later keep compiled code between runs (as tsc does); a no-op on Node 20, which has no such cache.
module.enableCompileCache?.();
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(process.argv);
