import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes a synthetic snapshot directory of `apps` apps with `fields` fields each (all field types in turn). */
export async function writeSyntheticSnapshot(
  dir: string,
  apps: number,
  fields: number,
  firstId = 1,
): Promise<void> {
  const kinds = [
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
  for (let a = 0; a < apps; a++) {
    const id = String(firstId + a);
    const properties: Record<string, unknown> = {
      Record_number: { type: "RECORD_NUMBER", code: "Record_number", label: "Record number", noLabel: false },
    };
    for (let f = 0; f < fields; f++) {
      const type = kinds[f % kinds.length] as string;
      const code = `Field_${f}_${type.toLowerCase()}`;
      const field: Record<string, unknown> = {
        type,
        code,
        label: `Field ${f}`,
        noLabel: false,
        required: f % 7 === 0,
      };
      if (type === "DROP_DOWN" || type === "CHECK_BOX") {
        field.options = {
          Alpha: { label: "Alpha", index: "0" },
          Beta: { label: "Beta", index: "1" },
          Gamma: { label: "Gamma", index: "2" },
        };
        field.defaultValue = type === "CHECK_BOX" ? [] : "";
      }
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
    await mkdir(join(dir, id), { recursive: true });
    await writeFile(
      join(dir, id, "app.json"),
      JSON.stringify({
        appId: id,
        code: "",
        name: `Synthetic app ${id}`,
        description: "",
        spaceId: null,
        threadId: null,
      }),
    );
    await writeFile(join(dir, id, "form-fields.json"), JSON.stringify({ properties, revision: "1" }));
  }
}
