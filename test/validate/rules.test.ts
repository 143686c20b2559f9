import { describe, expect, it } from "vitest";
import { RULES } from "../../src/validate/rules/index.js";
import type { JsonObject, Problem } from "../../src/validate/types.js";
import { validateDocument } from "../../src/validate/validate-document.js";

/** A small spec that breaks no rule: one server, one described operation with a JSON response. */
function base(): JsonObject {
  return {
    openapi: "3.0.3",
    info: { title: "Base", version: "1.0.0", description: "A spec that breaks no rule." },
    servers: [{ url: "https://api.example.com/v1" }],
    paths: {
      "/things": {
        get: {
          operationId: "listThings",
          description: "Lists things.",
          parameters: [
            {
              name: "$top",
              in: "query",
              description: "Page size.",
              schema: { type: "integer", format: "int32", default: 10 },
            },
          ],
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
          },
        },
        post: {
          operationId: "createThing",
          description: "Creates a thing.",
          requestBody: {
            description: "The thing.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
          responses: {
            "201": {
              description: "created",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
          },
        },
      },
      "/things/{id}": {
        delete: {
          operationId: "deleteThing",
          description: "Deletes a thing.",
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              description: "Id.",
              schema: { type: "integer", format: "int64" },
            },
          ],
          responses: { "204": { description: "deleted" } },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          properties: {
            id: { type: "integer", format: "int64", readOnly: true },
            name: { type: "string", maxLength: 20 },
            tags: { type: "array", items: { type: "string" } },
            at: { type: "string", format: "date-time" },
          },
        },
      },
    },
  };
}

type Mutation = (doc: any) => void;
type Case = { rule: string; why: string; mutate: Mutation; pointer: string; severity: Problem["severity"] };

const thing = (doc: any) => doc.components.schemas.Thing;
const list = (doc: any) => doc.paths["/things"].get;
const create = (doc: any) => doc.paths["/things"].post;

/** For each rule: documents that break it, with the pointer and severity expected. */
const BREAKING: Case[] = [
  {
    rule: "sf-openapi-version",
    why: "3.1",
    mutate: (d) => {
      d.openapi = "3.1.0";
    },
    pointer: "/openapi",
    severity: "error",
  },
  {
    rule: "sf-openapi-version",
    why: "Swagger 2.0",
    mutate: (d) => {
      delete d.openapi;
      d.swagger = "2.0";
    },
    pointer: "/swagger",
    severity: "error",
  },
  {
    rule: "sf-document-size",
    why: "11 MB of descriptions",
    mutate: (d) => {
      thing(d).description = "x".repeat(10_000_001);
    },
    pointer: "",
    severity: "error",
  },
  {
    rule: "oas3-schema",
    why: "no info.version",
    mutate: (d) => {
      delete d.info.version;
    },
    pointer: "/info",
    severity: "error",
  },
  {
    rule: "oas3-schema",
    why: "an unknown keyword in a schema",
    mutate: (d) => {
      thing(d).properties.name.maxlength = 3;
    },
    pointer: "/components/schemas/Thing/properties/name",
    severity: "error",
  },
  {
    rule: "sf-refs-resolve",
    why: "a $ref to a missing component",
    mutate: (d) => {
      create(d).requestBody.content["application/json"].schema.$ref = "#/components/schemas/Nope";
    },
    pointer: "/paths/~1things/post/requestBody/content/application~1json/schema/$ref",
    severity: "error",
  },
  {
    rule: "sf-refs-resolve",
    why: "an external $ref",
    mutate: (d) => {
      thing(d).properties.name = { $ref: "common.json#/Name" };
    },
    pointer: "/components/schemas/Thing/properties/name/$ref",
    severity: "error",
  },
  {
    rule: "sf-operation-count",
    why: "3,001 operations",
    mutate: (d) => {
      for (let i = 0; i <= 3000; i++)
        d.paths[`/p${i}`] = {
          get: { operationId: `op${i}`, description: "d", responses: { "204": { description: "ok" } } },
        };
    },
    pointer: "/paths",
    severity: "warning",
  },
  {
    rule: "sf-single-server",
    why: "two servers",
    mutate: (d) => {
      d.servers.push({ url: "https://b.example.com" });
    },
    pointer: "/servers",
    severity: "error",
  },
  {
    rule: "sf-single-server",
    why: "server variables",
    mutate: (d) => {
      d.servers[0].variables = { v: { default: "1" } };
    },
    pointer: "/servers/0/variables",
    severity: "error",
  },
  {
    rule: "sf-single-server",
    why: "an operation server",
    mutate: (d) => {
      list(d).servers = [{ url: "https://c.example.com" }];
    },
    pointer: "/paths/~1things/get/servers",
    severity: "error",
  },
  {
    rule: "sf-http-methods",
    why: "a HEAD operation",
    mutate: (d) => {
      d.paths["/things"].head = {
        operationId: "headThings",
        description: "d",
        responses: { "200": { description: "ok" } },
      };
    },
    pointer: "/paths/~1things/head",
    severity: "error",
  },
  {
    rule: "sf-operation-id-format",
    why: "an underscore",
    mutate: (d) => {
      list(d).operationId = "list_things";
    },
    pointer: "/paths/~1things/get/operationId",
    severity: "error",
  },
  {
    rule: "sf-operation-id-format",
    why: "no operationId",
    mutate: (d) => {
      delete list(d).operationId;
    },
    pointer: "/paths/~1things/get",
    severity: "error",
  },
  {
    rule: "sf-operation-id-format",
    why: "two ids equal ignoring case",
    mutate: (d) => {
      create(d).operationId = "LISTTHINGS";
    },
    pointer: "/paths/~1things/post/operationId",
    severity: "error",
  },
  {
    rule: "sf-operation-id-length",
    why: "41 characters",
    mutate: (d) => {
      list(d).operationId = `l${"x".repeat(40)}`;
    },
    pointer: "/paths/~1things/get/operationId",
    severity: "warning",
  },
  {
    rule: "sf-operation-id-length",
    why: "81 characters",
    mutate: (d) => {
      list(d).operationId = `l${"x".repeat(80)}`;
    },
    pointer: "/paths/~1things/get/operationId",
    severity: "error",
  },
  {
    rule: "sf-no-body-on-get",
    why: "a GET with a body",
    mutate: (d) => {
      list(d).requestBody = create(d).requestBody;
    },
    pointer: "/paths/~1things/get/requestBody",
    severity: "error",
  },
  {
    rule: "sf-no-callbacks",
    why: "callbacks",
    mutate: (d) => {
      create(d).callbacks = { done: {} };
    },
    pointer: "/paths/~1things/post/callbacks",
    severity: "error",
  },
  {
    rule: "sf-description-length",
    why: "1,334 characters",
    mutate: (d) => {
      list(d).description = "d".repeat(1334);
    },
    pointer: "/paths/~1things/get/description",
    severity: "warning",
  },
  {
    rule: "sf-parameter-schema-type",
    why: "a parameter schema without type",
    mutate: (d) => {
      list(d).parameters[0].schema = { format: "int32" };
    },
    pointer: "/paths/~1things/get/parameters/0/schema",
    severity: "error",
  },
  {
    rule: "sf-parameter-location",
    why: "a cookie parameter",
    mutate: (d) => {
      list(d).parameters.push({ name: "session", in: "cookie", schema: { type: "string" } });
    },
    pointer: "/paths/~1things/get/parameters/1/in",
    severity: "error",
  },
  {
    rule: "sf-path-parameters",
    why: "a path parameter not required",
    mutate: (d) => {
      d.paths["/things/{id}"].delete.parameters[0].required = false;
    },
    pointer: "/paths/~1things~1{id}/delete/parameters/0",
    severity: "error",
  },
  {
    rule: "sf-path-parameters",
    why: "a placeholder without a parameter",
    mutate: (d) => {
      d.paths["/things/{id}"].delete.parameters = [];
    },
    pointer: "/paths/~1things~1{id}/delete",
    severity: "error",
  },
  {
    rule: "sf-parameter-serialization",
    why: "explode: true",
    mutate: (d) => {
      list(d).parameters[0].explode = true;
    },
    pointer: "/paths/~1things/get/parameters/0/explode",
    severity: "error",
  },
  {
    rule: "sf-parameter-serialization",
    why: "a non-default style",
    mutate: (d) => {
      list(d).parameters[0].style = "spaceDelimited";
    },
    pointer: "/paths/~1things/get/parameters/0/style",
    severity: "error",
  },
  {
    rule: "sf-query-parameter-scalar",
    why: "an array query parameter",
    mutate: (d) => {
      list(d).parameters.push({
        name: "ids",
        in: "query",
        schema: { type: "array", items: { type: "string" } },
      });
    },
    pointer: "/paths/~1things/get/parameters/1/schema/type",
    severity: "error",
  },
  {
    rule: "sf-parameter-names-unique",
    why: "names equal ignoring case",
    mutate: (d) => {
      list(d).parameters.push({ name: "$TOP", in: "query", schema: { type: "string" } });
    },
    pointer: "/paths/~1things/get/parameters/1/name",
    severity: "error",
  },
  {
    rule: "sf-media-types",
    why: "an XML body",
    mutate: (d) => {
      create(d).requestBody.content = {
        "application/xml": { schema: { type: "object", properties: { a: { type: "string" } } } },
      };
    },
    pointer: "/paths/~1things/post/requestBody/content/application~1xml",
    severity: "error",
  },
  {
    rule: "sf-no-encoding",
    why: "an encoding object",
    mutate: (d) => {
      create(d).requestBody.content["application/json"].encoding = { name: { contentType: "text/plain" } };
    },
    pointer: "/paths/~1things/post/requestBody/content/application~1json/encoding",
    severity: "error",
  },
  {
    rule: "sf-no-response-headers",
    why: "response headers",
    mutate: (d) => {
      list(d).responses["200"].headers = { "X-Rate": { schema: { type: "integer", format: "int32" } } };
    },
    pointer: "/paths/~1things/get/responses/200/headers",
    severity: "error",
  },
  {
    rule: "sf-response-codes",
    why: "a 2XX range key",
    mutate: (d) => {
      list(d).responses["2XX"] = { description: "any" };
    },
    pointer: "/paths/~1things/get/responses/2XX",
    severity: "error",
  },
  {
    rule: "sf-success-response-schema",
    why: "a 200 without content",
    mutate: (d) => {
      delete list(d).responses["200"].content;
    },
    pointer: "/paths/~1things/get/responses",
    severity: "warning",
  },
  {
    rule: "sf-no-not",
    why: "not",
    mutate: (d) => {
      thing(d).properties.name.not = { type: "integer" };
    },
    pointer: "/components/schemas/Thing/properties/name/not",
    severity: "error",
  },
  {
    rule: "sf-schema-type",
    why: "a property without type",
    mutate: (d) => {
      thing(d).properties.free = { description: "anything" };
    },
    pointer: "/components/schemas/Thing/properties/free",
    severity: "error",
  },
  {
    rule: "sf-schema-type",
    why: "a 3.1 type list",
    mutate: (d) => {
      thing(d).properties.name.type = ["string", "null"];
    },
    pointer: "/components/schemas/Thing/properties/name/type",
    severity: "error",
  },
  {
    rule: "sf-no-nested-arrays",
    why: "an array of arrays",
    mutate: (d) => {
      thing(d).properties.grid = { type: "array", items: { type: "array", items: { type: "number" } } };
    },
    pointer: "/components/schemas/Thing/properties/grid/items",
    severity: "error",
  },
  {
    rule: "sf-free-form-objects",
    why: "additionalProperties",
    mutate: (d) => {
      thing(d).properties.meta = { type: "object", additionalProperties: { type: "string" } };
    },
    pointer: "/components/schemas/Thing/properties/meta/additionalProperties",
    severity: "warning",
  },
  {
    rule: "sf-free-form-objects",
    why: "oneOf",
    mutate: (d) => {
      thing(d).properties.either = {
        type: "object",
        oneOf: [{ $ref: "#/components/schemas/Thing" }],
        properties: { a: { type: "string" } },
      };
    },
    pointer: "/components/schemas/Thing/properties/either/oneOf",
    severity: "warning",
  },
  {
    rule: "sf-integer-format",
    why: "an integer without format",
    mutate: (d) => {
      thing(d).properties.count = { type: "integer" };
    },
    pointer: "/components/schemas/Thing/properties/count",
    severity: "warning",
  },
  {
    rule: "sf-default-type",
    why: "a string default on an integer",
    mutate: (d) => {
      list(d).parameters[0].schema.default = "10";
    },
    pointer: "/paths/~1things/get/parameters/0/schema/default",
    severity: "error",
  },
  {
    rule: "sf-format-known",
    why: "format uuid",
    mutate: (d) => {
      thing(d).properties.name.format = "uuid";
    },
    pointer: "/components/schemas/Thing/properties/name/format",
    severity: "warning",
  },
  {
    rule: "sf-discriminator-mapping",
    why: "discriminator.mapping",
    mutate: (d) => {
      d.components.schemas.Pet = {
        type: "object",
        properties: { kind: { type: "string" } },
        discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Thing" } },
      };
    },
    pointer: "/components/schemas/Pet/discriminator/mapping",
    severity: "warning",
  },
  {
    rule: "sf-schema-names",
    why: "an underscore in a schema name",
    mutate: (d) => {
      d.components.schemas.Thing_Two = { type: "object", properties: { a: { type: "string" } } };
    },
    pointer: "/components/schemas/Thing_Two",
    severity: "error",
  },
  {
    rule: "sf-schema-names",
    why: "names equal ignoring case",
    mutate: (d) => {
      d.components.schemas.THING = { type: "object", properties: { a: { type: "string" } } };
    },
    pointer: "/components/schemas/THING",
    severity: "error",
  },
  {
    rule: "sf-property-name-encoding",
    why: "a property with a hyphen",
    mutate: (d) => {
      thing(d).properties["created-at"] = { type: "string" };
    },
    pointer: "/components/schemas/Thing/properties/created-at",
    severity: "warning",
  },
  {
    rule: "sf-property-name-collision",
    why: "siblings equal ignoring case",
    mutate: (d) => {
      thing(d).properties.Name = { type: "string" };
    },
    pointer: "/components/schemas/Thing/properties/Name",
    severity: "error",
  },
  {
    rule: "sf-reserved-words",
    why: "a property named number",
    mutate: (d) => {
      thing(d).properties.number = { type: "number" };
    },
    pointer: "/components/schemas/Thing/properties/number",
    severity: "warning",
  },
  {
    rule: "sf-apex-name-length",
    why: "a 230-character schema name",
    mutate: (d) => {
      d.components.schemas[`T${"h".repeat(229)}`] = { type: "object", properties: { a: { type: "string" } } };
    },
    pointer: `/components/schemas/T${"h".repeat(229)}`,
    severity: "error",
  },
  {
    rule: "sf-apex-name-length",
    why: "an 81-character Apex name",
    mutate: (d) => {
      thing(d).properties[`p${"q".repeat(80)}`] = { type: "string" };
    },
    pointer: `/components/schemas/Thing/properties/p${"q".repeat(80)}`,
    severity: "warning",
  },
];

/** Near misses: documents close to breaking a rule that must not be reported. */
const PASSING: Array<{ why: string; mutate: Mutation }> = [
  {
    why: "$-prefixed query parameters ($top, $filter)",
    mutate: (d) => {
      list(d).parameters.push({
        name: "$filter",
        in: "query",
        description: "Filter.",
        schema: { type: "string" },
      });
    },
  },
  { why: "a DELETE answering 204 without content", mutate: () => {} },
  {
    why: "readOnly, maxLength and pattern (documentation only, rule off by default)",
    mutate: (d) => {
      thing(d).properties.name.pattern = "^[a-z]+$";
    },
  },
  {
    why: "security schemes and a root security requirement (information only, rule off by default)",
    mutate: (d) => {
      d.components.securitySchemes = { key: { type: "apiKey", in: "header", name: "X-Key" } };
      d.security = [{ key: [] }];
    },
  },
  {
    why: "nullable (rule off by default)",
    mutate: (d) => {
      thing(d).properties.name.nullable = true;
    },
  },
  {
    why: "a header parameter",
    mutate: (d) => {
      list(d).parameters.push({
        name: "X-Request-Id",
        in: "header",
        description: "Trace id.",
        schema: { type: "string" },
      });
    },
  },
  {
    why: "a text/plain response",
    mutate: (d) => {
      list(d).responses["400"] = {
        description: "bad",
        content: { "text/plain": { schema: { type: "string" } } },
      };
    },
  },
  {
    why: "a default response",
    mutate: (d) => {
      list(d).responses.default = {
        description: "error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
      };
    },
  },
  {
    why: "allOf composition of refs",
    mutate: (d) => {
      d.components.schemas.Big = {
        allOf: [
          { $ref: "#/components/schemas/Thing" },
          { type: "object", properties: { extra: { type: "string" } } },
        ],
      };
    },
  },
  {
    why: "a $ref cycle (a tree of things)",
    mutate: (d) => {
      thing(d).properties.children = { type: "array", items: { $ref: "#/components/schemas/Thing" } };
    },
  },
  {
    why: "a number default on a number",
    mutate: (d) => {
      thing(d).properties.score = { type: "number", format: "double", default: 1 };
    },
  },
];

function run(mutate: Mutation, levels?: Record<string, "off" | "warning" | "error">): Problem[] {
  const doc = base();
  mutate(doc);
  return validateDocument(doc, levels ? { levels } : {});
}

describe("validate rules", () => {
  it("the base document breaks no rule", () => {
    expect(run(() => {})).toEqual([]);
  });

  it("has a breaking case for every rule that is on by default", () => {
    const covered = new Set(BREAKING.map((c) => c.rule));
    const missing = RULES.filter((r) => r.severity !== "off" && !covered.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it.each(BREAKING.map((c) => [c.rule, c.why, c] as const))("%s: %s", (_rule, _why, c) => {
    const problems = run(c.mutate);
    const found = problems.filter((p) => p.ruleId === c.rule);
    expect(found.length, JSON.stringify(problems, null, 1).slice(0, 800)).toBeGreaterThan(0);
    expect(found).toContainEqual(expect.objectContaining({ pointer: c.pointer, severity: c.severity }));
    expect(found[0]?.message).toMatch(/\.$/);
  });

  it.each(PASSING.map((c) => [c.why, c] as const))("no problem for %s", (_why, c) => {
    expect(run(c.mutate)).toEqual([]);
  });

  it("rules that are off by default report when turned on, and any rule can be turned off or re-graded", () => {
    const nullable = (d: any) => {
      thing(d).properties.name.nullable = true;
    };
    expect(run(nullable, { "sf-nullable-ignored": "warning" }).map((p) => [p.ruleId, p.severity])).toEqual([
      ["sf-nullable-ignored", "warning"],
    ]);
    expect(
      run(
        (d) => {
          thing(d).properties.name.pattern = "^a$";
        },
        { "sf-ignored-keywords": "error" },
      ).map((p) => p.pointer),
    ).toEqual(
      expect.arrayContaining([
        "/components/schemas/Thing/properties/name/pattern",
        "/components/schemas/Thing/properties/name/maxLength",
      ]),
    );
    const secured = (d: any) => {
      d.components.securitySchemes = { key: { type: "apiKey", in: "header", name: "X-Key" } };
      d.security = [{ key: [] }];
    };
    expect(run(secured, { "sf-security-ignored": "warning" }).map((p) => [p.pointer, p.severity])).toEqual([
      ["/security", "warning"],
      ["/components/securitySchemes", "warning"],
    ]);
    const twoServers = (d: any) => {
      d.servers.push({ url: "https://b.example.com" });
    };
    expect(run(twoServers, { "sf-single-server": "off" })).toEqual([]);
    expect(run(twoServers, { "sf-single-server": "warning" })[0]?.severity).toBe("warning");
  });

  it("every rule has an id, a default severity, a description and a source", () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^(sf|oas3)-[a-z0-9-]+$/);
      expect(["error", "warning", "off"]).toContain(rule.severity);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.source.length).toBeGreaterThan(5);
    }
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });
});
