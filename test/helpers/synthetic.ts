// The synthetic apps of the benchmarks, shared with the tests (one generator for both).
export { writeApp, writeSyntheticSnapshot } from "../../bench/synthetic.js";
