import { parse as parseYaml } from "yaml";
import { SCHEMA_REF } from "../generate/x-kintone.js";
import { isObject } from "../validate/context.js";
import { type Change, diffDocuments } from "../validate/diff.js";
import type { JsonObject } from "../validate/types.js";
import type { RegistrationOperation } from "./build-folder.js";
import { type SpecOperation, specOperations } from "./operations.js";
import { parseMetadataXml } from "./xml.js";

/** The registration that is in the org now: its spec and, when read from a retrieved file, what the org says. */
export type PreviousRegistration = {
  spec: JsonObject;
  /** systemVersion of a retrieved registration (kept: it cannot be changed). */
  systemVersion?: string;
  /** The <operations> of a retrieved registration, lower-case name → active. */
  active?: ReadonlyMap<string, boolean>;
};

/** A file given to --previous is neither a spec nor a registration. */
export class PreviousUnreadableError extends Error {}

/**
 * Reads --previous: a spec (JSON or YAML), or a registration file retrieved from the org
 * (`*.externalServiceRegistration-meta.xml`, or the metadata-format file), whose <schema> holds the spec.
 */
export function readPrevious(text: string): PreviousRegistration {
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("<")) {
    let root: unknown;
    try {
      root = parseMetadataXml(trimmed).ExternalServiceRegistration;
    } catch (error) {
      throw new PreviousUnreadableError(`not valid XML (${(error as Error).message})`);
    }
    if (!isObject(root) || typeof root.schema !== "string") {
      throw new PreviousUnreadableError("an XML file, but no ExternalServiceRegistration with a <schema>");
    }
    const spec = parseSpec(root.schema);
    const list = root.operations === undefined ? [] : [root.operations].flat();
    const active = new Map<string, boolean>();
    for (const entry of list) {
      if (isObject(entry) && typeof entry.name === "string")
        active.set(entry.name.toLowerCase(), String(entry.active) === "true");
    }
    return {
      spec,
      ...(typeof root.systemVersion === "string" && root.systemVersion !== ""
        ? { systemVersion: root.systemVersion }
        : {}),
      ...(list.length > 0 ? { active } : {}),
    };
  }
  return { spec: parseSpec(trimmed) };
}

function parseSpec(text: string): JsonObject {
  let doc: unknown;
  try {
    doc = /^\s*\{/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PreviousUnreadableError(`its spec is neither JSON nor YAML (${(error as Error).message})`);
  }
  if (!isObject(doc) || (doc.openapi === undefined && doc.swagger === undefined)) {
    throw new PreviousUnreadableError("it holds no OpenAPI document");
  }
  return doc;
}

/** What an update needs: the changes, and for a two-step update the operations to deactivate first. */
export type UpdatePlan = {
  changes: Change[];
  breaking: Change[];
  /** Step 1 of a two-step update: the registered spec, with the operations the breaking changes touch inactive. */
  deactivate: RegistrationOperation[];
};

/** Component schemas (lower-case names) an operation reaches through its parameters, body and responses. */
function schemasReached(doc: JsonObject, operation: JsonObject): Set<string> {
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const byLower = new Map(Object.keys(schemas).map((name) => [name.toLowerCase(), name]));
  const reached = new Set<string>();
  const pending: unknown[] = [operation.parameters, operation.requestBody, operation.responses];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string") {
          if (value.startsWith(SCHEMA_REF)) {
            const name = value.slice(SCHEMA_REF.length).toLowerCase();
            if (!reached.has(name)) {
              reached.add(name);
              pending.push(schemas[byLower.get(name) ?? ""]);
            }
          } else if (value.startsWith("#/")) {
            // A shared parameter, body or response: follow it.
            let target: unknown = doc;
            for (const segment of value.slice(2).split("/"))
              target = isObject(target) ? target[segment.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
            pending.push(target);
          }
        } else if (typeof value === "object") pending.push(value);
      }
    }
  }
  return reached;
}

function segmentsOf(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The operations of the registered spec that a breaking change touches: the operation itself for a change under
 * /paths, every operation reaching the schema for a change under /components/schemas. A change it cannot place
 * touches all of them (deactivating too much is safe; too little fails the deploy).
 */
function touched(
  previous: JsonObject,
  ops: readonly SpecOperation[],
  changes: readonly Change[],
): Set<string> {
  const names = new Set<string>();
  const reach = new Map<string, Set<string>>();
  for (const op of ops) {
    const item = isObject(previous.paths) ? previous.paths[op.path] : undefined;
    const operation = isObject(item) ? item[op.method] : undefined;
    reach.set(op.name, isObject(operation) ? schemasReached(previous, operation) : new Set());
  }
  for (const change of changes) {
    const [top, second, third] = segmentsOf(change.pointer);
    const byOperationId = /^(?:operation|parameter|request-body|response)$/.test(change.target)
      ? ops.find((op) => new RegExp(`\\b${op.operationId.replace(/\W/g, "")}\\b`).test(change.message))
      : undefined;
    if (top === "paths" && second !== undefined && third !== undefined) {
      const op = ops.find((o) => o.path === second && o.method === third) ?? byOperationId;
      if (op !== undefined) {
        names.add(op.name);
        continue;
      }
    }
    if (top === "components" && second === "schemas" && third !== undefined) {
      for (const op of ops) if (reach.get(op.name)?.has(third.toLowerCase())) names.add(op.name);
      continue;
    }
    if (byOperationId !== undefined) {
      names.add(byOperationId.name);
      continue;
    }
    for (const op of ops) names.add(op.name);
  }
  return names;
}

/**
 * Compares the registered spec with the new one (diff's classification). For a two-step update the first deploy
 * keeps the registered spec and turns off every operation a breaking change touches (and every one the new spec no
 * longer has); the second deploys the new spec. Operations the org lists as inactive stay inactive.
 */
export function planUpdate(previous: PreviousRegistration, spec: JsonObject): UpdatePlan {
  const changes = diffDocuments(previous.spec, spec);
  const breaking = changes.filter((change) => change.breaking);
  const ops = specOperations(previous.spec);
  const off = touched(previous.spec, ops, breaking);
  const kept = new Set(specOperations(spec).map((op) => op.name));
  const deactivate = ops.map((op) => ({
    name: op.name,
    active: !off.has(op.name) && kept.has(op.name) && (previous.active?.get(op.name) ?? true),
  }));
  return { changes, breaking, deactivate };
}
