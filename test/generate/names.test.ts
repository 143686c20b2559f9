import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAppFields } from "../../src/generate/model.js";
import {
  assignNames,
  derivePropertyName,
  deriveResourceNames,
  MAX_NAME_LENGTH,
  NAME_PATTERN,
  singularAndPlural,
} from "../../src/generate/names.js";
import { transliterate } from "../../src/generate/transliterate.js";
import type { AppMetadata, FieldProperty } from "../../src/kintone/types.js";

describe("derivePropertyName", () => {
  it.each([
    ["Customer_Name", "x", "customerName", "code"],
    ["customer_name", "x", "customerName", "code"],
    ["会社名", "会社名", "companyName", "code"],
    ["顧客名", "顧客名", "customerName", "code"],
    ["文字列__1行_", "文字列 (1行)", "text1Line", "code"],
    ["ルックアップ_0", "ルックアップ", "lookup0", "code"],
    ["ｶﾀｶﾅ", "x", "katakana", "code"],
    ["ＡＢＣ１２３", "x", "abc123", "code"],
    ["担当者メモ", "担当者メモ", "ownerMemo", "code"],
    ["number", "Number", "numberValue", "code"],
    ["Date", "Date", "dateValue", "code"],
    ["type", "Type", "typeValue", "code"],
    ["_1", "Phone", "phone", "label"],
  ])("%s (label %s) → %s", (code, label, name, source) => {
    expect(derivePropertyName(code, label)).toEqual({ name, source });
  });

  it("invents a stable name from the code when neither code nor label can be spelled", () => {
    const first = derivePropertyName("顛末", "顛末");
    expect(first.source).toBe("invented");
    expect(first.name).toMatch(/^field[A-Za-z0-9]{6}$/);
    expect(derivePropertyName("顛末", "鬱")).toEqual(first);
    expect(derivePropertyName("顛末2", "顛末").name).not.toBe(first.name);
  });

  it("keeps the spelled part of a partly spelled code", () => {
    expect(derivePropertyName("顛末メモ", "顛末メモ").name).toMatch(/^memo[A-Z0-9][A-Za-z0-9]{5}$/);
  });

  const hiragana = fc.integer({ min: 0x3041, max: 0x3096 });
  const katakana = fc.integer({ min: 0x30a1, max: 0x30fa });
  const halfKatakana = fc.integer({ min: 0xff66, max: 0xff9d });
  const kanji = fc.integer({ min: 0x4e00, max: 0x9fff });
  const alnum = fc.constantFrom(
    ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split("").map((c) => c.charCodeAt(0)),
  );
  const fullAlnum = fc
    .integer({ min: 0xff10, max: 0xff5a })
    .filter((c) => (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || c >= 0xff41);
  const symbols = fc.constantFrom(0x5f, 0xff3f, 0xff65, 0x30fb, 0xff04, 0xffe5);
  const fieldChar = fc
    .oneof(hiragana, katakana, halfKatakana, kanji, alnum, fullAlnum, symbols)
    .map((c) => String.fromCharCode(c));
  /** A legal Kintone field code: 1–128 characters of the allowed alphabet, not starting with a digit. */
  const fieldCode = fc
    .array(fieldChar, { minLength: 1, maxLength: 128 })
    .map((chars) => chars.join(""))
    .filter((code) => !/^[0-9０-９]/.test(code));

  it("gives any legal field code a valid ASCII name of at most 40 characters", () => {
    fc.assert(
      fc.property(fieldCode, fc.string(), (code, label) => {
        const { name } = derivePropertyName(code, label);
        expect(name).toMatch(NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
      }),
      { numRuns: 500 },
    );
  });

  function appWith(codes: readonly string[]): AppMetadata {
    const properties: Record<string, FieldProperty> = {};
    for (const code of codes) {
      properties[code] = {
        type: "SINGLE_LINE_TEXT",
        code,
        label: code,
        noLabel: false,
        required: false,
        defaultValue: "",
        unique: false,
        minLength: "",
        maxLength: "",
        expression: "",
        hideExpression: false,
      };
    }
    return {
      app: { appId: "1", code: "", name: "x", description: "", spaceId: null, threadId: null },
      fields: { properties, revision: "1" },
    };
  }
  const namesOf = (app: AppMetadata, pinned?: Map<string, string>) =>
    new Map(buildAppFields(app, pinned ? { pinned } : {}).properties.map((p) => [p.code, p.name]));
  const codeSets = fc.uniqueArray(fieldCode, { minLength: 1, maxLength: 25 });

  it("never gives two fields names that are equal ignoring case", () => {
    // Codes that collide after camel-casing are the interesting case: mix in such variants on purpose.
    const colliding = fc.uniqueArray(
      fc.constantFrom(
        "Name",
        "name",
        "NAME",
        "na_me",
        "Na_Me",
        "名前",
        "氏名",
        "id",
        "ID",
        "revision",
        "number",
        "Number_",
      ),
      { minLength: 1 },
    );
    fc.assert(
      fc.property(codeSets, colliding, (codes, extra) => {
        const names = [...namesOf(appWith([...new Set([...codes, ...extra])])).values()];
        expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
        for (const name of names) expect(name).toMatch(NAME_PATTERN);
      }),
      { numRuns: 300 },
    );
  });

  it("does not rename any field when the fields are reordered", () => {
    fc.assert(
      fc.property(codeSets, fc.integer(), (codes, seed) => {
        const shuffled = [...codes].sort(
          (a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7),
        );
        expect(namesOf(appWith(shuffled))).toEqual(namesOf(appWith(codes)));
      }),
      { numRuns: 200 },
    );
  });

  it("does not rename any existing field when fields are added (names pinned by the previous spec)", () => {
    fc.assert(
      fc.property(codeSets, codeSets, (before, added) => {
        const first = namesOf(appWith(before));
        const second = namesOf(appWith([...added, ...before]), first);
        for (const [code, name] of first) expect(second.get(code)).toBe(name);
      }),
      { numRuns: 200 },
    );
  });
});

describe("assignNames", () => {
  it("suffixes a taken name, in order of key, and reports the collision", () => {
    const { names, collisions } = assignNames([
      { key: "b_code", base: "name" },
      { key: "a_code", base: "name" },
      { key: "c", base: "Name" },
    ]);
    expect(Object.fromEntries(names)).toEqual({ a_code: "name", b_code: "name2", c: "Name3" });
    expect(collisions.map((c) => c.key)).toEqual(["b_code", "c"]);
  });

  it("honours overrides first, then pinned names, and never hands out reserved ones", () => {
    const { names } = assignNames(
      [
        { key: "a", base: "id" },
        { key: "b", base: "x", override: "title" },
        { key: "c", base: "title", pinned: "titleOld" },
      ],
      ["id"],
    );
    expect(Object.fromEntries(names)).toEqual({ a: "id2", b: "title", c: "titleOld" });
  });
});

describe("resource names", () => {
  it.each([
    [{ appId: "1", code: "", name: "Customers" }, "Customer", "Customers"],
    [{ appId: "2", code: "DEALS", name: "案件管理" }, "Deal", "Deals"],
    [{ appId: "3", code: "INQ", name: "問い合わせ管理" }, "Inquiry", "Inquiries"],
    [{ appId: "4", code: "", name: "Sales Deals" }, "SalesDeal", "SalesDeals"],
    [{ appId: "5", code: "", name: "News" }, "News", "NewsList"],
    [{ appId: "6", code: "", name: "顛末" }, "App6Record", "App6Records"],
    [{ appId: "7", code: "CRM", name: "鬱" }, "Crm", "Crms"],
    [{ appId: "8", code: "", name: "Customer Management" }, "Customer", "Customers"],
  ])("%o → %s / %s", (app, singular, plural) => {
    const names = deriveResourceNames(app);
    expect([names.singular, names.plural]).toEqual([singular, plural]);
  });

  it("inflects only the last word", () => {
    expect(singularAndPlural("OrderLines")).toEqual({ singular: "OrderLine", plural: "OrderLines" });
    expect(singularAndPlural("Company2")).toEqual({ singular: "Company2", plural: "Companies2" });
  });
});

describe("transliterate", () => {
  // ASCII text takes a fast path (most field codes are ASCII). A full-width space, which NFKC turns into a plain
  // one, sends the same text through the general path: both must give the same words.
  it("gives ASCII text the same words on its fast path as on the general path", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."aZ9_ -x.Ab0Cd/é".split("")), maxLength: 24 }),
        (raw) => {
          const text = raw.replace(/é/g, "E");
          expect(transliterate(text)).toEqual(transliterate(`${text}\u3000`));
        },
      ),
      { numRuns: 500 },
    );
    expect(transliterate("customerID2Name_x")).toEqual({
      words: ["customer", "id2", "name", "x"],
      complete: true,
    });
  });
});
