import { refName, X_APP_ID, X_FIELD_CODE } from "../generate/x-kintone.js";
import { escapePointer, HTTP_METHODS, isObject, pointerOf } from "./context.js";
import type { JsonObject } from "./types.js";

export type ChangeKind =
  | "added"
  | "removed"
  | "renamed"
  | "retyped"
  | "remapped"
  | "made-required"
  | "made-optional"
  | "made-nullable"
  | "made-not-nullable"
  | "constraint-added"
  | "constraint-removed"
  | "constraint-changed";
export type ChangeTarget =
  | "operation"
  | "parameter"
  | "schema"
  | "property"
  | "request-body"
  | "response"
  | "security";

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

/** Where a component schema is used: in what callers send (parameters, bodies), in what they get back, or both. */
type Usage = { input: boolean; output: boolean };

/** Per component schema (lower-case name), whether requests and answers of the operations reach it. */
function usageOf(doc: JsonObject): Map<string, Usage> {
  const usage = new Map<string, Usage>();
  const schemas = schemasOf(doc);
  const mark = (root: unknown, side: keyof Usage) => {
    const pending: unknown[] = [root];
    while (pending.length > 0) {
      const node = pending.pop();
      if (Array.isArray(node)) pending.push(...node);
      else if (isObject(node)) {
        for (const [key, value] of Object.entries(node)) {
          const name = key === "$ref" ? refName(node) : undefined;
          if (name !== undefined) {
            const entry = usage.get(name.toLowerCase()) ?? { input: false, output: false };
            if (!entry[side]) {
              entry[side] = true;
              usage.set(name.toLowerCase(), entry);
              pending.push(schemas[name]);
            }
          } else if (typeof value === "object") pending.push(value);
        }
      }
    }
  };
  for (const op of operationsOf(doc)) {
    mark(op.operation.parameters, "input");
    mark(op.operation.requestBody, "input");
    mark(op.operation.responses, "output");
  }
  return usage;
}

/** Keywords that constrain values without changing their type (Salesforce registers the same Apex type either way). */
const CONSTRAINTS = [
  "enum",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "pattern",
];

/** Nullability and constraint changes of one schema (and of its inline items), as safe changes. */
function compareConstraints(
  before: unknown,
  after: unknown,
  what: string,
  role: Usage,
  pointer: string,
  changes: Change[],
  target: ChangeTarget = "property",
): void {
  if (!isObject(before) || !isObject(after) || before.$ref !== undefined || after.$ref !== undefined) return;
  const side =
    role.input && !role.output ? "input" : role.output && !role.input ? "answer" : "input and answer";
  if (before.nullable !== true && after.nullable === true) {
    changes.push({
      kind: "made-nullable",
      target,
      breaking: false,
      message: `${what} became nullable (${side}; Salesforce passes nulls through either way)`,
      pointer,
    });
  } else if (before.nullable === true && after.nullable !== true) {
    changes.push({
      kind: "made-not-nullable",
      target,
      breaking: false,
      message: `${what} is no longer nullable (${side}; Salesforce passes nulls through either way)`,
      pointer,
    });
  }
  for (const keyword of CONSTRAINTS) {
    const old = before[keyword];
    const now = after[keyword];
    const same =
      keyword === "enum" && Array.isArray(old) && Array.isArray(now)
        ? JSON.stringify([...old].map(String).sort()) === JSON.stringify([...now].map(String).sort())
        : JSON.stringify(old) === JSON.stringify(now);
    if (same) continue;
    const shown = (value: unknown) =>
      keyword === "enum" && Array.isArray(value) ? `${value.length} options` : JSON.stringify(value);
    const kind: ChangeKind =
      old === undefined
        ? "constraint-added"
        : now === undefined
          ? "constraint-removed"
          : "constraint-changed";
    changes.push({
      kind,
      target,
      breaking: false,
      message:
        kind === "constraint-added"
          ? `${what} gained ${keyword} ${shown(now)} (${side}; not a type change)`
          : kind === "constraint-removed"
            ? `${what} lost ${keyword} ${shown(old)} (${side}; not a type change)`
            : `${what} changed ${keyword} from ${shown(old)} to ${shown(now)} (${side}; not a type change)`,
      pointer: `${pointer}/${keyword}`,
    });
  }
  compareConstraints(before.items, after.items, `${what}[]`, role, `${pointer}/items`, changes, target);
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
    } else
      compareConstraints(
        resolve(oldDoc, parameter.schema),
        resolve(newDoc, next.parameter.schema),
        `parameter ${name} ${where}`,
        { input: true, output: false },
        `${next.pointer}/schema`,
        changes,
        "parameter",
      );
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
  role: Usage,
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
    if (sameType(oldType, newType))
      compareConstraints(oldValue, after[next], `property ${name}.${next}`, role, at, changes);
    // Required in an answer only promises more; required in an input asks more of every caller.
    if (!oldRequired.has(property) && newRequired.has(next)) {
      changes.push({
        kind: "made-required",
        target: "property",
        breaking: role.input,
        message: `property ${name}.${next} became required${role.input ? "" : " (in answers only: always present)"}`,
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
      breaking: required && role.input,
      message: `${required ? "required " : ""}property ${name}.${property} was added${required && !role.input ? " (in answers only)" : ""}`,
      pointer: `${pointer}/properties/${escapePointer(property)}`,
    });
  }
}

function jsonSchemaOf(response: unknown): unknown {
  const content = isObject(response) && isObject(response.content) ? response.content : undefined;
  const json =
    content !== undefined && isObject(content["application/json"]) ? content["application/json"] : {};
  return json.schema;
}

/**
 * Responses of one operation. Each declared status (and `default`) is an output of the action in Salesforce: a new
 * one is safe, a removed one takes away an output flows may read, and a success output of another type breaks them.
 */
function compareResponses(
  oldDoc: JsonObject,
  newDoc: JsonObject,
  oldOp: Op,
  newOp: Op,
  changes: Change[],
): void {
  const before = isObject(oldOp.operation.responses) ? oldOp.operation.responses : {};
  const after = isObject(newOp.operation.responses) ? newOp.operation.responses : {};
  const removed = Object.keys(before).filter((code) => !(code in after));
  const added = Object.keys(after).filter((code) => !(code in before));
  const list = (codes: string[]) => `${codes.length === 1 ? "response" : "responses"} ${codes.join(", ")}`;
  if (removed.length > 0) {
    changes.push({
      kind: "removed",
      target: "response",
      breaking: true,
      message: `${list(removed)} of ${newOp.id} ${removed.length === 1 ? "was" : "were"} removed (flows reading ${removed.length === 1 ? "that output" : "those outputs"} break)`,
      pointer: `${oldOp.pointer}/responses`,
    });
  }
  if (added.length > 0) {
    changes.push({
      kind: "added",
      target: "response",
      breaking: false,
      message: `${list(added)} of ${newOp.id} ${added.length === 1 ? "was" : "were"} added (new outputs of the action)`,
      pointer: `${newOp.pointer}/responses`,
    });
  }
  for (const code of Object.keys(before)) {
    if (!(code in after)) continue;
    const oldType = typeOf(oldDoc, jsonSchemaOf(resolve(oldDoc, before[code])));
    const newType = typeOf(newDoc, jsonSchemaOf(resolve(newDoc, after[code])));
    if (!sameType(oldType, newType)) {
      changes.push({
        kind: "retyped",
        target: "response",
        breaking: true,
        message: `response ${code} of ${newOp.id} changed from ${oldType} to ${newType}`,
        pointer: `${newOp.pointer}/responses/${escapePointer(code)}`,
      });
    }
  }
}

/** Security schemes and requirements: Salesforce ignores them (the Named Credential authenticates), so always safe. */
function compareSecurity(oldDoc: JsonObject, newDoc: JsonObject, changes: Change[]): void {
  const schemesOf = (doc: JsonObject) =>
    isObject(doc.components) && isObject(doc.components.securitySchemes)
      ? doc.components.securitySchemes
      : {};
  const before = schemesOf(oldDoc);
  const after = schemesOf(newDoc);
  for (const name of Object.keys(after)) {
    if (name in before) continue;
    changes.push({
      kind: "added",
      target: "security",
      breaking: false,
      message: `security scheme ${name} was added (Salesforce ignores it: the Named Credential authenticates)`,
      pointer: pointerOf(["components", "securitySchemes", name]),
    });
  }
  for (const name of Object.keys(before)) {
    if (name in after) continue;
    changes.push({
      kind: "removed",
      target: "security",
      breaking: false,
      message: `security scheme ${name} was removed (Salesforce ignores it: the Named Credential authenticates)`,
      pointer: pointerOf(["components", "securitySchemes", name]),
    });
  }
  if (JSON.stringify(oldDoc.security) !== JSON.stringify(newDoc.security)) {
    changes.push({
      kind: newDoc.security === undefined ? "removed" : oldDoc.security === undefined ? "added" : "retyped",
      target: "security",
      breaking: false,
      message: "the security requirement changed (Salesforce ignores it: the Named Credential authenticates)",
      pointer: "/security",
    });
  }
}

/**
 * Lists the changes from `oldDoc` to `newDoc`, each marked breaking when Salesforce refuses it for a registered
 * spec (Help "Schema Update Support"): removed or renamed operations, objects, properties and responses, required
 * inputs, type changes. Case-only renames, additions of optional items and of responses, properties becoming required
 * in answers only, nullability, constraints (enum, lengths, ranges: the Apex type stays) and security schemes (ignored
 * by Salesforce) are safe.
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
    const oldApp = oldOp.operation[X_APP_ID];
    const newApp = newOp.operation[X_APP_ID];
    if (typeof oldApp === "string" && typeof newApp === "string" && oldApp !== newApp) {
      // Same action in Salesforce, another Kintone app behind it: every Flow using it would act on the other app.
      changes.push({
        kind: "remapped",
        target: "operation",
        breaking: true,
        message: `operation ${newOp.id} now acts on Kintone app ${newApp} instead of app ${oldApp}`,
        pointer: newOp.pointer,
      });
    }
    compareParameters(oldDoc, newDoc, oldOp, newOp, changes);
    compareResponses(oldDoc, newDoc, oldOp, newOp, changes);
  }
  const serverPath = (doc: JsonObject) => {
    const servers = Array.isArray(doc.servers) ? doc.servers : [];
    const url = isObject(servers[0]) && typeof servers[0].url === "string" ? servers[0].url : "/";
    try {
      return new URL(url, "http://localhost").pathname.replace(/\/+$/, "");
    } catch {
      return url;
    }
  };
  if (serverPath(oldDoc) !== serverPath(newDoc)) {
    // Salesforce keeps the server's path in the registered spec (the Named Credential gives only the host).
    changes.push({
      kind: "retyped",
      target: "operation",
      breaking: true,
      message: `the server path changed from "${serverPath(oldDoc) || "/"}" to "${serverPath(newDoc) || "/"}": every operation moves`,
      pointer: "/servers/0/url",
    });
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

  compareSecurity(oldDoc, newDoc, changes);

  const oldSchemas = schemasOf(oldDoc);
  const newSchemas = schemasOf(newDoc);
  const oldUsage = usageOf(oldDoc);
  const newUsage = usageOf(newDoc);
  const roleOf = (oldName: string, newName: string): Usage => {
    const a = oldUsage.get(oldName.toLowerCase());
    const b = newUsage.get(newName.toLowerCase());
    return {
      input: (a?.input ?? false) || (b?.input ?? false),
      output: (a?.output ?? false) || (b?.output ?? false),
    };
  };
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
      // An object no operation reached was no action's input or output: Salesforce has nothing that uses it.
      const used = oldUsage.has(name.toLowerCase());
      changes.push({
        kind: "removed",
        target: "schema",
        breaking: used,
        message: `object ${name} was removed${used ? "" : " (no operation used it)"}`,
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
      compareProperties(oldDoc, newDoc, oldSchema, newSchema, next, pointer, roleOf(name, next), changes);
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
