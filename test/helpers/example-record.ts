type Schema = Record<string, any>;

let counter = 0;

/** A valid value for one property schema of a generated spec (for driving every operation in tests). */
function exampleValue(schema: Schema, schemas: Record<string, Schema>): unknown {
  if (schema.$ref) return exampleObject(schemas[schema.$ref.split("/").pop()] ?? {}, schemas);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : 0;
      const max = typeof schema.maximum === "number" ? schema.maximum : min + 100;
      return Math.min(max, min + 5);
    }
    case "integer":
      return 1;
    case "array": {
      const items = schema.items ?? {};
      if (items.properties?.fileKey !== undefined) return undefined; // no file uploaded to attach
      if (items.$ref?.endsWith("/Entity")) return [{ code: "sandbox" }];
      const item = exampleValue(items, schemas);
      return item === undefined ? [] : [item];
    }
    case "string": {
      // A different day each time: unique date fields (and defaults of today) must not collide.
      const day = new Date(Date.UTC(2026, 0, 1) + ++counter * 86_400_000).toISOString().slice(0, 10);
      if (schema.format === "date") return day;
      if (schema.format === "date-time") return `${day}T09:00:00Z`;
      if (typeof schema.pattern === "string" && schema.pattern.includes(":")) return "09:30";
      const text = `Example ${++counter}`;
      const max = typeof schema.maxLength === "number" ? schema.maxLength : 64;
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      return text.slice(0, max).padEnd(min, "x");
    }
    default:
      return undefined;
  }
}

function exampleObject(schema: Schema, schemas: Record<string, Schema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
    if (name === "id" && !property["x-kintone-field-code"]) continue; // a new table row has no id
    if (typeof property.description === "string" && property.description.includes("lookup key")) continue;
    const value = exampleValue(property, schemas);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A create body that satisfies the Create schema of a resource. */
export function exampleCreateBody(spec: Schema, createSchemaName: string): Record<string, unknown> {
  const schemas = spec.components.schemas as Record<string, Schema>;
  return exampleObject(schemas[createSchemaName] ?? {}, schemas);
}
