/**
 * Bugs the outside checks found in files this branch does not own, known and reported, so that the checks can test
 * everything else meanwhile. Remove an entry when its bug is fixed (the contract test's it.fails turns red then).
 */

/**
 * Fixtures with DATETIME or TIME defaults written in the form settings' own format ("2012-07-19T00:00",
 * "2020-01-01T01:30", "05:00:00.000"): the sandbox (src/sandbox/records.ts, defaultOf) stores them unnormalized, so a
 * record that takes the default answers a date-time without seconds or zone, or a time with seconds, which Kintone
 * never answers and the spec does not allow. Fix: defaultOf normalizes defaults as written values are
 * (normalizeDateTime, normalizeTime).
 */
export const SANDBOX_UNNORMALIZED_DEFAULTS: ReadonlySet<string> = new Set([
  "docs-sample",
  "java-client-all-types",
]);

/** Whether an answer's validation error is the unnormalized-default bug above. */
export function isUnnormalizedDefault(fixture: string, error: string): boolean {
  return (
    SANDBOX_UNNORMALIZED_DEFAULTS.has(fixture) &&
    /must match (format "date-time"|pattern "\^\(\[01\]\\d\|2\[0-3\]\):\[0-5\]\\d\$")/.test(error)
  );
}
