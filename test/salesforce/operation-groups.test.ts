import { describe, expect, it } from "vitest";
import { ALL_OPERATIONS } from "../../src/generate/build-document.js";
import { KINTONE_OPERATIONS, OPERATION_GROUP_KINDS } from "../../src/generate/x-kintone.js";
import { selectOperations, specOperations } from "../../src/salesforce/operations.js";

describe("generate's --operations groups in salesforce --operations", () => {
  it("the one table maps every group of generate to kinds, and every kind to exactly one group", () => {
    expect(Object.keys(OPERATION_GROUP_KINDS).sort()).toEqual([...ALL_OPERATIONS].sort());
    const kinds = Object.values(OPERATION_GROUP_KINDS).flat();
    expect([...kinds].sort()).toEqual([...KINTONE_OPERATIONS].sort());
  });

  it("a group takes every operation of its kinds, in any case; a kind still works", () => {
    const spec = {
      paths: {
        "/a": { get: { operationId: "listA", "x-kintone-operation": "list" } },
        "/a/{id}/files": { post: { operationId: "uploadAFile", "x-kintone-operation": "upload-file" } },
        "/a/{id}/files/{f}": {
          get: { operationId: "downloadAFile", "x-kintone-operation": "download-file" },
        },
        "/a/bulk/create": { post: { operationId: "bulkCreateA", "x-kintone-operation": "bulk-create" } },
      },
    };
    const all = specOperations(spec);
    expect(selectOperations(all, ["Files"]).map((op) => op.operationId)).toEqual([
      "uploadAFile",
      "downloadAFile",
    ]);
    expect(selectOperations(all, ["bulk,list"]).map((op) => op.operationId)).toEqual([
      "listA",
      "bulkCreateA",
    ]);
    expect(selectOperations(all, ["upload-file"]).map((op) => op.operationId)).toEqual(["uploadAFile"]);
    expect(() => selectOperations(all, ["status"])).toThrow(
      /--operations names "status", which is no operation of the spec: give operationIds \(listA, uploadAFile, downloadAFile, bulkCreateA\), kinds \(list, upload-file, download-file, bulk-create\) or groups \(files, bulk\)\./,
    );
  });
});
