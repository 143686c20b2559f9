import { X_FIELD_CODE } from "../generate/x-kintone.js";
import { escapePointer, HTTP_METHODS, isObject, pointerOf } from "./context.js";
import type { JsonObject } from "./types.js";

export type ChangeKind =
  | "added"
  | "removed"
  | "renamed"
  | "retyped"
  | "remapped"
  | "made-required"
  | "made-optional";
export type ChangeTarget = "operation" | "parameter" | "schema" | "property" | "request-body";

/** One difference between two specs, and whether Salesforce refuses it for a registered spec. */
export type Change = {
  kind: ChangeKind;
  target: ChangeTarget;
  breaking: boolean;
  message: string;
  /** Where in the new spec (or the old one, for removals). */
  pointer: string;
};

type Op = { id: string; method: string; path: string; operation: JsonObject; pointer: string };

function operationsOf(doc: JsonObject): Op[] {
  const ops: Op[] = [];
  if (!isObject(doc.paths)) return ops;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const id = typeof operation.operationId === "string" ? operation.operationId : `${method} ${path}`;
      ops.push({ id, method, path, operation, pointer: pointerOf(["paths", path, method]) });
    }
  }
  return ops;
}

function resolve(doc: JsonObject, value: unknown): unknown {
  let current = value;
  for (let hops = 0; hops < 16 && isObject(current) && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return current;
    let target: unknown = doc;
    for (const segment of ref.slice(2).split("/")) {
      const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

/** A short type signature: "string/date-time", "array<string>", "#Customer". */
function typeOf(doc: JsonObject, schema: unknown): string {
  if (!isObject(schema)) return "any";
  if (typeof schema.$ref === "string") return `#${schema.$ref.split("/").pop()}`;
  if (schema.type === "array") return `array<${typeOf(doc, schema.items)}>`;
  const type = typeof schema.type === "string" ? schema.type : "any";
  return typeof schema.format === "string" ? `${type}/${schema.format}` : type;
}

/** Whether two type signatures are the same up to the case of schema names (a case-only rename is allowed). */
function sameType(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function parametersOf(doc: JsonObject, op: Op): Map<string, { parameter: JsonObject; pointer: string }> {
  const result = new Map<string, { parameter: JsonObject; pointer: string }>();
  const list = op.operation.parameters;
  if (!Array.isArray(list)) return result;
  list.forEach((raw, index) => {
    const parameter = resolve(doc, raw);
    if (isObject(parameter)) {
      result.set(`${String(parameter.in)}:${String(parameter.name).toLowerCase()}`, {
        parameter,
        pointer: `${op.pointer}/parameters/${index}`,
      });
    }
  });
  return result;
}

function compareParameters(
  oldDoc: JsonObject,
  newDoc: JsonObject,
  oldOp: Op,
  newOp: Op,
  changes: Change[],
): void {
  const before = parametersOf(oldDoc, oldOp);
  const after = parametersOf(newDoc, newOp);
  const where = `of ${newOp.id}`;
  for (const [key, { parameter, pointer }] of before) {
    const next = after.get(key);
    const name = String(parameter.name);
    if (next === undefined) {
      const required = parameter.required === true;
      changes.push({
        kind: "removed",
        target: "parameter",
        breaking: required,
        message: `${required ? "required" : "optional"} parameter ${name} ${where} was removed`,
        pointer,
      });
      continue;
    }
    if (String(next.parameter.name) !== name) {
      changes.push({
        kind: "renamed",
        target: "parameter",
        breaking: false,
        message: `parameter ${name} ${where} was renamed to ${String(next.parameter.name)} (case only)`,
        pointer: next.pointer,
      });
    }
    const oldType = typeOf(oldDoc, resolve(oldDoc, parameter.schema));
    const newType = typeOf(newDoc, resolve(newDoc, next.parameter.schema));
    if (!sameType(oldType, newType)) {
      changes.push({
        kind: "retyped",
        target: "parameter",
        breaking: true,
        message: `parameter ${name} ${where} changed from ${oldType} to ${newType}`,
        pointer: next.pointer,
      });
    }
    if (parameter.required !== true && next.parameter.required === true) {
      changes.push({
        kind: "made-required",
        target: "parameter",
        breaking: true,
        message: `parameter ${name} ${where} became required`,
        pointer: next.pointer,
      });
    } else if (parameter.required === true && next.parameter.required !== true) {
      changes.push({
        kind: "made-optional",
        target: "parameter",
        breaking: false,
        message: `parameter ${name} ${where} became optional`,
        pointer: next.pointer,
      });
    }
  }
  for (const [key, { parameter, pointer }] of after) {
    if (before.has(key)) continue;
    const required = parameter.required === true;
    changes.push({
      kind: "added",
      target: "parameter",
      breaking: required,
      message: `${required ? "required" : "optional"} parameter ${String(parameter.name)} ${where} was added`,
      pointer,
    });
  }
}

function schemasOf(doc: JsonObject): Record<string, unknown> {
  return isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
}

function compareProperties(
  oldDoc: JsonObject,
  newDoc: JsonObject,
  oldSchema: JsonObject,
  newSchema: JsonObject,
  name: string,
  pointer: string,
  changes: Change[],
): void {
  const before = isObject(oldSchema.properties) ? oldSchema.properties : {};
  const after = isObject(newSchema.properties) ? newSchema.properties : {};
  const oldRequired = new Set(Array.isArray(oldSchema.required) ? oldSchema.required.map(String) : []);
  const newRequired = new Set(Array.isArray(newSchema.required) ? newSchema.required.map(String) : []);
  const afterByLower = new Map(Object.keys(after).map((key) => [key.toLowerCase(), key]));
  const afterByCode = new Map<string, string>();
  for (const [key, value] of Object.entries(after)) {
    if (isObject(value) && typeof value[X_FIELD_CODE] === "string") afterByCode.set(value[X_FIELD_CODE], key);
  }
  const matched = new Set<string>();
  for (const [property, oldValue] of Object.entries(before)) {
    let next = afterByLower.get(property.toLowerCase());
    const code = isObject(oldValue) ? oldValue[X_FIELD_CODE] : undefined;
    if (next === undefined && typeof code === "string" && afterByCode.has(code)) {
      next = afterByCode.get(code) as string;
      matched.add(next);
      changes.push({
        kind: "renamed",
        target: "property",
        breaking: true,
        message: `property ${name}.${property} was renamed to ${next} (Kintone field ${code})`,
        pointer: `${pointer}/properties/${escapePointer(next)}`,
      });
      continue;
    }
    if (next === undefined) {
      changes.push({
        kind: "removed",
        target: "property",
        breaking: true,
        message: `property ${name}.${property} was removed`,
        pointer: `${pointer}/properties/${escapePointer(property)}`,
      });
      continue;
    }
    matched.add(next);
    const at = `${pointer}/properties/${escapePointer(next)}`;
    if (next !== property) {
      changes.push({
        kind: "renamed",
        target: "property",
        breaking: false,
        message: `property ${name}.${property} was renamed to ${next} (case only)`,
        pointer: at,
      });
    }
    const newValue = after[next];
    const newCode = isObject(newValue) ? newValue[X_FIELD_CODE] : undefined;
    if (typeof code === "string" && typeof newCode === "string" && code !== newCode) {
      // Same name, another Kintone field: Salesforce sees nothing change, and every Flow using the property
      // silently reads and writes the other field.
      changes.push({
        kind: "remapped",
        target: "property",
        breaking: true,
        message: `property ${name}.${next} now reads and writes Kintone field ${newCode} instead of ${code}: Flows that use it would act on another field`,
        pointer: at,
      });
    }
    const oldType = typeOf(oldDoc, oldValue);
    const newType = typeOf(newDoc, newValue);
    if (!sameType(oldType, newType)) {
      changes.push({
        kind: "retyped",
        target: "property",
        breaking: true,
        message: `property ${name}.${next} changed from ${oldType} to ${newType}`,
        pointer: at,
      });
    }
    if (!oldRequired.has(property) && newRequired.has(next)) {
      changes.push({
        kind: "made-required",
        target: "property",
        breaking: true,
        message: `property ${name}.${next} became required`,
        pointer: at,
      });
    } else if (oldRequired.has(property) && !newRequired.has(next)) {
      changes.push({
        kind: "made-optional",
        target: "property",
        breaking: false,
        message: `property ${name}.${next} became optional`,
        pointer: at,
      });
    }
  }
  for (const property of Object.keys(after)) {
    if (matched.has(property)) continue;
    const required = newRequired.has(property);
    changes.push({
      kind: "added",
      target: "property",
      breaking: required,
      message: `${required ? "required " : ""}property ${name}.${property} was added`,
      pointer: `${pointer}/properties/${escapePointer(property)}`,
    });
  }
}

/**
 * Lists the changes from `oldDoc` to `newDoc`, each marked breaking when Salesforce refuses it for a registered
 * spec (Help "Schema Update Support"): removed or renamed operations, objects and properties, required inputs,
 * type changes. Case-only renames and additions of optional items are safe.
 */
export function diffDocuments(oldDoc: JsonObject, newDoc: JsonObject): Change[] {
  const changes: Change[] = [];
  const oldOps = operationsOf(oldDoc);
  const newOps = operationsOf(newDoc);
  const newById = new Map(newOps.map((op) => [op.id.toLowerCase(), op]));
  const newByRoute = new Map(newOps.map((op) => [`${op.method} ${op.path}`, op]));
  const seen = new Set<Op>();
  for (const oldOp of oldOps) {
    const newOp = newById.get(oldOp.id.toLowerCase());
    if (newOp === undefined) {
      const sameRoute = newByRoute.get(`${oldOp.method} ${oldOp.path}`);
      if (sameRoute !== undefined && !oldOps.some((o) => o.id.toLowerCase() === sameRoute.id.toLowerCase())) {
        seen.add(sameRoute);
        changes.push({
          kind: "renamed",
          target: "operation",
          breaking: true,
          message: `operation ${oldOp.id} was renamed to ${sameRoute.id}`,
          pointer: sameRoute.pointer,
        });
        compareParameters(oldDoc, newDoc, oldOp, sameRoute, changes);
        continue;
      }
      changes.push({
        kind: "removed",
        target: "operation",
        breaking: true,
        message: `operation ${oldOp.id} (${oldOp.method.toUpperCase()} ${oldOp.path}) was removed`,
        pointer: oldOp.pointer,
      });
      continue;
    }
    seen.add(newOp);
    if (newOp.id !== oldOp.id) {
      changes.push({
        kind: "renamed",
        target: "operation",
        breaking: false,
        message: `operation ${oldOp.id} was renamed to ${newOp.id} (case only)`,
        pointer: newOp.pointer,
      });
    }
    if (newOp.method !== oldOp.method || newOp.path !== oldOp.path) {
      changes.push({
        kind: "retyped",
        target: "operation",
        breaking: true,
        message: `operation ${newOp.id} moved from ${oldOp.method.toUpperCase()} ${oldOp.path} to ${newOp.method.toUpperCase()} ${newOp.path}`,
        pointer: newOp.pointer,
      });
    }
    compareParameters(oldDoc, newDoc, oldOp, newOp, changes);
  }
  for (const newOp of newOps) {
    if (!seen.has(newOp))
      changes.push({
        kind: "added",
        target: "operation",
        breaking: false,
        message: `operation ${newOp.id} (${newOp.method.toUpperCase()} ${newOp.path}) was added`,
        pointer: newOp.pointer,
      });
  }

  const oldSchemas = schemasOf(oldDoc);
  const newSchemas = schemasOf(newDoc);
  const newSchemaByLower = new Map(Object.keys(newSchemas).map((key) => [key.toLowerCase(), key]));
  const oldLower = new Set(Object.keys(oldSchemas).map((key) => key.toLowerCase()));
  // An object that disappeared while one with exactly the same properties appeared was renamed.
  const signature = (schema: unknown) =>
    isObject(schema) && isObject(schema.properties) && Object.keys(schema.properties).length > 0
      ? Object.keys(schema.properties).sort().join("\u0000")
      : undefined;
  const addedBySignature = new Map<string, string>();
  for (const [name, schema] of Object.entries(newSchemas)) {
    const key = signature(schema);
    if (key !== undefined && !oldLower.has(name.toLowerCase()) && !addedBySignature.has(key))
      addedBySignature.set(key, name);
  }
  const matchedSchemas = new Set<string>();
  for (const [name, oldSchema] of Object.entries(oldSchemas)) {
    let next = newSchemaByLower.get(name.toLowerCase());
    const renamedTo = next === undefined ? addedBySignature.get(signature(oldSchema) ?? "") : undefined;
    if (renamedTo !== undefined && !matchedSchemas.has(renamedTo)) {
      changes.push({
        kind: "renamed",
        target: "schema",
        breaking: true,
        message: `object ${name} was renamed to ${renamedTo}`,
        pointer: pointerOf(["components", "schemas", renamedTo]),
      });
      next = renamedTo;
    } else if (next === undefined) {
      changes.push({
        kind: "removed",
        target: "schema",
        breaking: true,
        message: `object ${name} was removed`,
        pointer: pointerOf(["components", "schemas", name]),
      });
      continue;
    }
    matchedSchemas.add(next);
    const pointer = pointerOf(["components", "schemas", next]);
    if (next !== name && renamedTo === undefined)
      changes.push({
        kind: "renamed",
        target: "schema",
        breaking: false,
        message: `object ${name} was renamed to ${next} (case only)`,
        pointer,
      });
    const newSchema = newSchemas[next];
    if (isObject(oldSchema) && isObject(newSchema))
      compareProperties(oldDoc, newDoc, oldSchema, newSchema, next, pointer, changes);
  }
  for (const name of Object.keys(newSchemas)) {
    if (!matchedSchemas.has(name)) {
      changes.push({
        kind: "added",
        target: "schema",
        breaking: false,
        message: `object ${name} was added`,
        pointer: pointerOf(["components", "schemas", name]),
      });
    }
  }
  return changes;
}
