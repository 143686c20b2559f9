import type { Rule } from "../types.js";
import { apexNameLength } from "./apex-name-length.js";
import { defaultType } from "./default-type.js";
import { descriptionLength } from "./description-length.js";
import { discriminatorMapping } from "./discriminator-mapping.js";
import { documentSize } from "./document-size.js";
import { formatKnown } from "./format-known.js";
import { freeFormObjects } from "./free-form-objects.js";
import { httpMethods } from "./http-methods.js";
import { ignoredKeywords } from "./ignored-keywords.js";
import { integerFormat } from "./integer-format.js";
import { mediaTypes } from "./media-types.js";
import { noBodyOnGet } from "./no-body-on-get.js";
import { noCallbacks } from "./no-callbacks.js";
import { noEncoding } from "./no-encoding.js";
import { noNestedArrays } from "./no-nested-arrays.js";
import { noNot } from "./no-not.js";
import { noResponseHeaders } from "./no-response-headers.js";
import { nullableIgnored } from "./nullable-ignored.js";
import { openapiSchema } from "./openapi-schema.js";
import { openapiVersion } from "./openapi-version.js";
import { operationCount } from "./operation-count.js";
import { operationIdFormat } from "./operation-id-format.js";
import { operationIdLength } from "./operation-id-length.js";
import { parameterLocation } from "./parameter-location.js";
import { parameterNamesUnique } from "./parameter-names-unique.js";
import { parameterSchemaType } from "./parameter-schema-type.js";
import { parameterSerialization } from "./parameter-serialization.js";
import { pathParameters } from "./path-parameters.js";
import { propertyNameCollision } from "./property-name-collision.js";
import { propertyNameEncoding } from "./property-name-encoding.js";
import { queryParameterScalar } from "./query-parameter-scalar.js";
import { refsResolve } from "./refs-resolve.js";
import { reservedWords } from "./reserved-words.js";
import { responseCodes } from "./response-codes.js";
import { schemaNames } from "./schema-names.js";
import { schemaType } from "./schema-type.js";
import { securityIgnored } from "./security-ignored.js";
import { singleServer } from "./single-server.js";
import { successResponseSchema } from "./success-response-schema.js";

/** Every rule, in the order of salesforce-external-services.md's "Validator rules". */
export const RULES: readonly Rule[] = [
  openapiVersion,
  documentSize,
  openapiSchema,
  refsResolve,
  operationCount,
  singleServer,
  securityIgnored,
  httpMethods,
  operationIdFormat,
  operationIdLength,
  noBodyOnGet,
  noCallbacks,
  descriptionLength,
  parameterSchemaType,
  parameterLocation,
  pathParameters,
  parameterSerialization,
  queryParameterScalar,
  parameterNamesUnique,
  mediaTypes,
  noEncoding,
  noResponseHeaders,
  responseCodes,
  successResponseSchema,
  noNot,
  schemaType,
  noNestedArrays,
  freeFormObjects,
  integerFormat,
  defaultType,
  formatKnown,
  nullableIgnored,
  discriminatorMapping,
  ignoredKeywords,
  schemaNames,
  propertyNameEncoding,
  propertyNameCollision,
  reservedWords,
  apexNameLength,
];
