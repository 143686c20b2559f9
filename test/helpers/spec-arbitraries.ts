import fc from "fast-check";

type Schema = Record<string, any>;

/** One HTTP request to send to the proxy. */
export type GeneratedRequest = { method: string; path: string; body?: unknown; raw?: string };

/** What generation needs to know beyond the spec: records that exist, skipTokens met, values of lookup keys. */
export type Hints = {
  ids: () => number[];
  tokens: () => string[];
  /** Property name → values to use for it (lookup keys must name a record of the related app). */
  values?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
};

type Context = { schemas: Record<string, Schema>; values: Readonly<Record<string, fc.Arbitrary<unknown>>> };

const refName = (schema: Schema | undefined) =>
  typeof schema?.$ref === "string" ? (schema.$ref.split("/").pop() as string) : undefined;

const dates = fc.date({
  min: new Date("1900-01-01T00:00:00Z"),
  max: new Date("2100-12-31T23:59:59Z"),
  noInvalidDate: true,
});

/** A number within [min, max]: boundaries, whole numbers, short decimals, and any double (up to 17 digits). */
function numberIn(schema: Schema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === "number" ? schema.minimum : -1e9;
  const max = typeof schema.maximum === "number" ? schema.maximum : 1e9;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(min, max, Math.max(min, Math.min(max, 0))) },
    {
      weight: 3,
      arbitrary: fc.integer({ min: Math.ceil(Math.max(min, -1e9)), max: Math.floor(Math.min(max, 1e9)) }),
    },
    {
      weight: 3,
      arbitrary: fc
        .integer({ min: Math.ceil(Math.max(min, -1e6) * 100), max: Math.floor(Math.min(max, 1e6) * 100) })
        .map((n) => n / 100),
    },
    // Up to 17 significant digits: more than 15 is refused as InexactNumber (documented), so rarer.
    { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
  );
}

/** A value the schema allows (nulls where nullable), biased to boundaries. */
function validValue(schema: Schema, ctx: Context, depth: number): fc.Arbitrary<unknown> {
  const ref = refName(schema);
  if (ref !== undefined) return validValue(ctx.schemas[ref] ?? {}, ctx, depth);
  const value = validOfType(schema, ctx, depth);
  return schema.nullable === true ? fc.option(value, { nil: null, freq: 5 }) : value;
}

function validOfType(schema: Schema, ctx: Context, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case "integer":
      return fc.integer({
        min: typeof schema.minimum === "number" ? schema.minimum : 0,
        max: Math.min(typeof schema.maximum === "number" ? schema.maximum : 2 ** 31, 2 ** 31),
      });
    case "number":
      return numberIn(schema);
    case "boolean":
      return fc.boolean();
    case "string": {
      if (schema.format === "date") return dates.map((d) => d.toISOString().slice(0, 10));
      if (schema.format === "date-time")
        return fc.oneof(
          dates.map((d) => `${d.toISOString().slice(0, 19)}Z`),
          dates.map((d) => d.toISOString()),
          dates.map((d) => `${d.toISOString().slice(0, 19)}+09:00`),
        );
      if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern));
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
      return fc.oneof(
        fc.string({ minLength, maxLength }),
        fc.string({ minLength, maxLength, unit: "grapheme" }),
      );
    }
    case "array":
      if (depth > 2) return fc.constant([]);
      return fc.array(validValue(schema.items ?? {}, ctx, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, 3),
      });
    case "object":
      return objectOf(schema, ctx, depth + 1, validValue);
    default:
      return fc.constant(null);
  }
}

/** An object with the schema's required properties and any of the others, each made by `make`. */
function objectOf(
  schema: Schema,
  ctx: Context,
  depth: number,
  make: (s: Schema, ctx: Context, depth: number) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries<Schema>(schema.properties ?? {}).filter(([, p]) => p.readOnly !== true);
  const model = Object.fromEntries(
    properties.map(([name, p]) => [name, ctx.values[name] ?? make(p, ctx, depth)] as const),
  );
  return fc.record(model, {
    requiredKeys: (schema.required ?? []).filter((k: string) => k in model),
  }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value that may break the schema: null, "", a wrong type, a boundary just outside, or a valid value. */
function edgeValue(schema: Schema, ctx: Context, depth: number): fc.Arbitrary<unknown> {
  const ref = refName(schema);
  const target = ref !== undefined ? (ctx.schemas[ref] ?? {}) : schema;
  const outside: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.constant(""),
    fc.constantFrom(0, -1, 1.5, 1e21, -0, 123456789012345.6, true, [], {}, "x", "1", "1e3", " 42 "),
  ];
  if (typeof target.minimum === "number") outside.push(fc.constant(target.minimum - 1));
  if (typeof target.maximum === "number") outside.push(fc.constant(target.maximum + 1));
  if (typeof target.maxLength === "number") outside.push(fc.constant("x".repeat(target.maxLength + 1)));
  if (target.format === "date")
    outside.push(fc.constantFrom("2024-02-30", "2024-13-01", "2024-1-5", "20240101"));
  if (target.format === "date-time")
    outside.push(
      fc.constantFrom("2024-01-31T09:00", "2024-01-31 09:00:00Z", "2024-02-30T00:00:00Z", "2024-01-31"),
    );
  if (typeof target.pattern === "string")
    outside.push(fc.constantFrom("24:00", "9:30", "09:60", "09:30:00", "aa:bb"));
  if (Array.isArray(target.enum))
    outside.push(fc.constantFrom("Not an option", String(target.enum[0]).toUpperCase()));
  if (target.type === "array" && depth < 2)
    outside.push(fc.array(edgeValue(target.items ?? {}, ctx, depth + 1), { maxLength: 3 }));
  if (target.type === "object" && depth < 2) {
    outside.push(objectOf(target, ctx, depth + 1, edgeValue));
    outside.push(fc.constant({ notAProperty: 1 }));
  }
  return fc.oneof({ arbitrary: validValue(schema, ctx, depth), weight: 2 }, ...outside);
}

const query = (pairs: ReadonlyArray<readonly [string, string]>) =>
  pairs.length === 0
    ? ""
    : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`;

/** Values of each system query option, as the spec allows them (`valid`) or also as it does not. */
function optionValues(props: fc.Arbitrary<string>, tokens: () => string[]) {
  const literal = fc.oneof(
    fc.integer({ min: -5, max: 100 }).map(String),
    fc.constantFrom(
      "null",
      "''",
      "'a'",
      "'Retail'",
      "2024-01-31",
      "2024-01-31T09:00:00Z",
      "'09:30'",
      "true",
      "1.5",
    ),
    fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/'/g, "''")}'`),
  );
  const comparison = fc
    .tuple(props, fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le"), literal)
    .map(([p, op, v]) => `${p} ${op} ${v}`);
  const filter = fc.oneof(
    { weight: 4, arbitrary: comparison },
    fc.tuple(comparison, fc.constantFrom("and", "or"), comparison).map(([a, op, b]) => `${a} ${op} ${b}`),
    comparison.map((c) => `not (${c})`),
    fc.tuple(props, fc.string({ maxLength: 6 })).map(([p, w]) => `contains(${p},'${w.replace(/'/g, "''")}')`),
    fc
      .tuple(props, fc.array(literal, { minLength: 1, maxLength: 3 }))
      .map(([p, l]) => `${p} in (${l.join(",")})`),
    fc.string({ maxLength: 30 }),
  );
  const token = fc.oneof(
    { weight: 3, arbitrary: fc.nat(5).map((i) => tokens()[i] ?? tokens()[0] ?? "eyJtIjoic2VlayJ9") },
    fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  );
  const valid: Record<string, fc.Arbitrary<string>> = {
    $filter: filter,
    $orderby: fc
      .array(fc.tuple(props, fc.constantFrom("", " asc", " desc")), { minLength: 1, maxLength: 2 })
      .map((keys) => keys.map(([p, d]) => `${p}${d}`).join(",")),
    $select: fc.array(props, { minLength: 1, maxLength: 4 }).map((l) => l.join(",")),
    $top: fc.integer({ min: 1, max: 500 }).map(String),
    $skip: fc.oneof(fc.integer({ min: 0, max: 20 }).map(String), fc.constantFrom("10001", "2147483647")),
    $count: fc.constantFrom("true", "false"),
    $skiptoken: token,
    revision: fc.integer({ min: 1, max: 5 }).map(String),
  };
  const invalid: Record<string, fc.Arbitrary<string>> = {
    $filter: filter,
    $orderby: fc.constantFrom("", "nothing", "id up", "id asc desc", ","),
    $select: fc.constantFrom("", ",", "id,nothing"),
    $top: fc.constantFrom("0", "501", "-1", "1.5", "abc", ""),
    $skip: fc.constantFrom("2147483648", "-1", "x", ""),
    $count: fc.constantFrom("TRUE", "1", ""),
    $skiptoken: fc.oneof(fc.string({ maxLength: 20 }), fc.constant("x".repeat(600))),
    revision: fc.constantFrom("0", "-1", "abc", "9007199254740992", ""),
  };
  return { valid, invalid };
}

/** Record ids: existing ones and boundaries (`valid`), or ids the spec refuses. */
function idOf(existing: () => number[], valid: boolean): fc.Arbitrary<string> {
  if (valid)
    return fc.oneof(
      {
        weight: 5,
        arbitrary: fc.nat(99).map((i) => String(existing()[i % Math.max(1, existing().length)] ?? 1)),
      },
      { weight: 1, arbitrary: fc.constantFrom("1", "9007199254740991", "999999") },
    );
  return fc.constantFrom(
    "0",
    "-1",
    "abc",
    "1.5",
    "01",
    "9007199254740992",
    "1e3",
    "%20",
    "99999999999999999999",
  );
}

/**
 * Request generators for every operation of a spec made by `generate`, keyed by operationId: three in four are
 * requests the spec allows (declared options with allowed values, bodies from the input schemas, ids that exist),
 * the others break it somewhere (a value, an option, an id, the body's JSON).
 */
export function requestArbitraries(spec: Schema, hints: Hints): Map<string, fc.Arbitrary<GeneratedRequest>> {
  const ctx: Context = {
    schemas: spec.components.schemas as Record<string, Schema>,
    values: hints.values ?? {},
  };
  const result = new Map<string, fc.Arbitrary<GeneratedRequest>>();
  for (const [path, item] of Object.entries<Schema>(spec.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      const success = op.responses?.["200"] ?? op.responses?.["201"];
      let record = ctx.schemas[refName(success?.content?.["application/json"]?.schema) ?? ""];
      if (record?.properties?.value !== undefined)
        record = ctx.schemas[refName(record.properties.value.items) ?? ""];
      const props = fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...Object.keys(record?.properties ?? { id: {} })) },
        fc.constantFrom("nothing", "table/column", "Id"),
      );
      const values = optionValues(props, hints.tokens);
      const declared = ((op.parameters ?? []) as Schema[])
        .filter((p) => p.in === "query")
        .map((p) => p.name as string);
      // Allowed: each declared option at most once, with an allowed value.
      const validQuery = fc
        .subarray(declared)
        .chain((names) =>
          fc.tuple(...names.map((n) => (values.valid[n] ?? fc.constant("1")).map((v) => [n, v] as const))),
        )
        .map((pairs) => query(pairs));
      // Not allowed: a refused value, an unknown or misspelled `$` option, or an option given twice.
      const badPair = fc.oneof(
        ...(declared.length > 0
          ? [
              fc
                .constantFrom(...declared)
                .chain((n) => (values.invalid[n] ?? fc.constant("")).map((v) => [n, v] as const)),
            ]
          : []),
        fc.constantFrom("$filer", "$expand", "$TOP", "$format", "$").map((n) => [n, "1"] as const),
        ...(declared.length > 0
          ? [
              fc
                .constantFrom(...declared)
                .chain((n) => (values.valid[n] ?? fc.constant("1")).map((v) => [n, v] as const)),
            ]
          : []),
      );
      const invalidQuery = fc.tuple(validQuery, badPair, fc.boolean()).map(([q, [n, v], twice]) => {
        const pair = `${encodeURIComponent(n)}=${encodeURIComponent(v)}`;
        const extra = twice ? `&${pair}` : "";
        return q === "" ? `?${pair}${extra}` : `${q}&${pair}${extra}`;
      });
      const pathWith = (valid: boolean) =>
        path.includes("{id}")
          ? idOf(hints.ids, valid).map((id) => path.replace("{id}", id))
          : fc.constant(path);
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema as Schema | undefined;
      const upper = method.toUpperCase();
      const request = (p: fc.Arbitrary<string>, q: fc.Arbitrary<string>, body: fc.Arbitrary<unknown>) =>
        fc.tuple(p, q, body).map(
          ([pathText, queryText, b]): GeneratedRequest => ({
            method: upper,
            path: `${pathText}${queryText}`,
            ...(bodySchema !== undefined ? { body: b } : {}),
          }),
        );
      const none = fc.constant(undefined);
      const validBody = bodySchema !== undefined ? validValue(bodySchema, ctx, 0) : none;
      const edges: fc.Arbitrary<GeneratedRequest>[] = [
        request(pathWith(true), invalidQuery, validBody),
        request(pathWith(false), validQuery, validBody),
      ];
      if (bodySchema !== undefined) {
        edges.push(request(pathWith(true), validQuery, edgeValue(bodySchema, ctx, 0)));
        edges.push(request(pathWith(true), validQuery, fc.constantFrom(null, [], "text", 1)));
        edges.push(
          fc
            .tuple(pathWith(true), fc.constantFrom("{", "", "[1,", '{"a":1}garbage', "\u00ff"))
            .map(([p, raw]) => ({ method: upper, path: p, raw })),
        );
      }
      result.set(
        op.operationId as string,
        fc.oneof(
          { weight: 3 * edges.length, arbitrary: request(pathWith(true), validQuery, validBody) },
          ...edges,
        ),
      );
    }
  }
  return result;
}
