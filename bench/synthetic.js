// Synthetic Kintone apps in the snapshot format (design.md §3), for benchmarks and tests. Deterministic.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const KINDS = [
  "SINGLE_LINE_TEXT",
  "NUMBER",
  "DATE",
  "DROP_DOWN",
  "CHECK_BOX",
  "MULTI_LINE_TEXT",
  "DATETIME",
  "USER_SELECT",
  "LINK",
  "TIME",
];
const OPTIONS = {
  Alpha: { label: "Alpha", index: "0" },
  Beta: { label: "Beta", index: "1" },
  Gamma: { label: "Gamma", index: "2" },
};

/** Writes one app directory: app.json, form-fields.json and, when given, records.json. */
export async function writeApp(dir, appId, name, properties, records) {
  await mkdir(join(dir, String(appId)), { recursive: true });
  await writeFile(
    join(dir, String(appId), "app.json"),
    JSON.stringify({ appId: String(appId), code: "", name, description: "", spaceId: null, threadId: null }),
  );
  await writeFile(
    join(dir, String(appId), "form-fields.json"),
    JSON.stringify({ properties, revision: "1" }),
  );
  if (records !== undefined)
    await writeFile(join(dir, String(appId), "records.json"), JSON.stringify({ records }));
}

/** Writes `apps` apps of `fields` fields each, cycling through ten common field types, ids from `firstId`. */
export async function writeSyntheticSnapshot(dir, apps, fields, firstId = 1) {
  for (let a = 0; a < apps; a++) {
    const id = firstId + a;
    const properties = {
      Record_number: { type: "RECORD_NUMBER", code: "Record_number", label: "Record number", noLabel: false },
    };
    for (let f = 0; f < fields; f++) {
      const type = KINDS[f % KINDS.length];
      const code = `Field_${f}_${type.toLowerCase()}`;
      const field = { type, code, label: `Field ${f}`, noLabel: false, required: f % 7 === 0 };
      if (type === "DROP_DOWN" || type === "CHECK_BOX")
        Object.assign(field, { options: OPTIONS, defaultValue: type === "CHECK_BOX" ? [] : "" });
      if (type === "SINGLE_LINE_TEXT")
        Object.assign(field, {
          defaultValue: "",
          unique: false,
          minLength: "",
          maxLength: "100",
          expression: "",
          hideExpression: false,
        });
      if (type === "NUMBER")
        Object.assign(field, {
          defaultValue: "",
          unique: false,
          minValue: "0",
          maxValue: "",
          digit: false,
          displayScale: "",
          unit: "",
          unitPosition: "BEFORE",
        });
      properties[code] = field;
    }
    await writeApp(dir, id, `Synthetic app ${id}`, properties);
  }
}
