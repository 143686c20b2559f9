import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempDir } from "./cli.js";

/** Lookups need their related app: values for lookup keys, and related apps added where the fixture lacks them. */
export const LOOKUP_KEYS: Record<string, Record<string, unknown>> = {
  "sample-apps": { customer: "Acme Robotics" },
  "java-client-all-types": { lookup: 1 },
};

/** Records of the related app of the java-client fixture (record numbers 1 to this). */
export const RELATED_RECORDS = 150;

/**
 * Lookup keys for the `n`-th record made in a fixture (n from 1): the java-client fixture's lookup fills a unique
 * field, so each record looks up another source record.
 */
export function lookupKeys(fixture: string, n: number): Record<string, unknown> {
  if (fixture === "java-client-all-types") return { lookup: ((n - 1) % RELATED_RECORDS) + 1 };
  return LOOKUP_KEYS[fixture] ?? {};
}

/** The java-client fixture's lookup reads app 1 (record_number → other_number), which the fixture does not hold. */
export async function withRelatedApp(dir: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const temp = await tempDir();
  await cp(dir, temp.dir, { recursive: true });
  await mkdir(join(temp.dir, "1"));
  await writeFile(
    join(temp.dir, "1/app.json"),
    JSON.stringify({ appId: "1", code: "", name: "Related", description: "", spaceId: null, threadId: null }),
  );
  await writeFile(
    join(temp.dir, "1/form-fields.json"),
    JSON.stringify({
      properties: {
        record_number: { type: "RECORD_NUMBER", code: "record_number", label: "No", noLabel: false },
        other_number: {
          type: "NUMBER",
          code: "other_number",
          label: "Other",
          noLabel: false,
          required: false,
          minValue: "",
          maxValue: "",
          defaultValue: "",
        },
      },
      revision: "1",
    }),
  );
  await writeFile(
    join(temp.dir, "1/records.json"),
    JSON.stringify({
      // Many source records: the lookup copies other_number into a unique field, so each record made needs its own.
      records: Array.from({ length: RELATED_RECORDS }, (_, i) => ({
        $id: { type: "__ID__", value: String(i + 1) },
        $revision: { type: "__REVISION__", value: "1" },
        record_number: { type: "RECORD_NUMBER", value: String(i + 1) },
        other_number: { type: "NUMBER", value: String(42 + i) },
      })),
    }),
  );
  return temp;
}
