/**
 * The elements each metadata file of the folder may hold, with the documented value sets, for the types
 * `kintone-openapi salesforce` writes. Taken from the Metadata API Developer Guide (API 67.0 copies; see
 * ../shared/docs/salesforce-metadata.md) and checked against every file the command writes (test/salesforce).
 * Only what the command uses is listed: an element outside this table fails the test, so a new one needs its
 * documentation looked up first.
 */

/** One element: its allowed values (a set or a pattern), its children, whether it must be present or may repeat. */
export type ElementRule = {
  required?: boolean;
  repeated?: boolean;
  values?: readonly string[];
  pattern?: RegExp;
  children?: Readonly<Record<string, ElementRule>>;
};

export type TypeRule = { doc: string; elements: Readonly<Record<string, ElementRule>> };

const BOOLEAN = ["true", "false"] as const;
const DEVELOPER_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$/;
const TEXT = /^[^\n]*$/;

export const METADATA_TABLE: Readonly<Record<string, TypeRule>> = {
  ExternalServiceRegistration: {
    doc: "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalserviceregistration.htm",
    elements: {
      description: { pattern: TEXT },
      label: { required: true, pattern: TEXT },
      // Not in the doc's table, but what retrieved files and Salesforce's own tooling use (salesforce-metadata.md §1.4).
      namedCredentialReference: { pattern: DEVELOPER_NAME },
      operations: {
        repeated: true,
        children: {
          active: { required: true, values: BOOLEAN },
          name: { required: true, pattern: /^[a-z][a-z0-9]*$/ },
        },
      },
      registrationProviderType: {
        values: [
          "AgentActionOutputs",
          "AgentToAgent",
          "Anypoint",
          "ApexRest",
          "AuraEnabled",
          "ContextDef",
          "Custom",
          "CustomExternalConnector",
          "DocumentProcessing",
          "ExternalConnector",
          "Heroku",
          "MuleSoft",
          "NamedQuery",
          "SchemaInferred",
          "Standard",
        ],
      },
      schema: { pattern: /^\{.*\}$/s },
      // Documented as "OpenAPI"; retrieved files and Salesforce's tooling write OpenApi3.
      schemaType: { values: ["OpenApi3", "OpenApi", "OpenAPI"] },
      schemaUploadFileExtension: { values: ["json", "yaml"] },
      schemaUploadFileName: { pattern: /^[A-Za-z0-9_.-]+$/ },
      // Documented as complete/incomplete; retrieved files write Complete.
      status: { required: true, values: ["Complete", "Incomplete", "complete", "incomplete"] },
      systemVersion: { pattern: /^[1-9][0-9]*$/ },
    },
  },
  ExternalCredential: {
    doc: "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_externalcredential.htm",
    elements: {
      authenticationProtocol: {
        required: true,
        values: ["AwsSv4", "Basic", "Custom", "Jwt", "JwtExchange", "NoAuthentication", "Oauth", "Password"],
      },
      description: { pattern: TEXT },
      externalCredentialParameters: {
        repeated: true,
        children: {
          description: { pattern: TEXT },
          parameterGroup: { pattern: /^[A-Za-z][A-Za-z0-9_]*$/ },
          parameterName: { required: true, pattern: /^[A-Za-z][A-Za-z0-9_-]*$/ },
          parameterType: {
            required: true,
            // The values the notes document; others exist (AuthProvider, …) but the command writes none of them.
            values: [
              "AuthHeader",
              "AuthParameter",
              "AuthProtocolVariant",
              "NamedPrincipal",
              "PerUserPrincipal",
            ],
          },
          parameterValue: { pattern: TEXT },
          sequenceNumber: { pattern: /^[1-9][0-9]*$/ },
        },
      },
      label: { required: true, pattern: TEXT },
    },
  },
  NamedCredential: {
    doc: "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_namedcredential.htm",
    elements: {
      allowMergeFieldsInBody: { values: BOOLEAN },
      allowMergeFieldsInHeader: { values: BOOLEAN },
      calloutStatus: { values: ["Enabled", "Disabled"] },
      description: { pattern: TEXT },
      generateAuthorizationHeader: { values: BOOLEAN },
      label: { required: true, pattern: TEXT },
      namedCredentialParameters: {
        repeated: true,
        children: {
          externalCredential: { pattern: DEVELOPER_NAME },
          parameterName: { required: true, pattern: /^[A-Za-z][A-Za-z0-9_-]*$/ },
          parameterType: {
            required: true,
            values: [
              "AllowedManagedPackageNamespaces",
              "Authentication",
              "ClientCertificate",
              "HttpHeader",
              "ManagedByNamespace",
              "OutboundNetworkConnection",
              "Url",
            ],
          },
          parameterValue: { pattern: TEXT },
        },
      },
      namedCredentialType: { values: ["SecuredEndpoint", "PrivateEndpoint", "Legacy"] },
    },
  },
  PermissionSet: {
    doc: "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm",
    elements: {
      description: { pattern: TEXT },
      // API 59.0+; the principal is `<ExternalCredential>-<principal>`, joined with a dash.
      externalCredentialPrincipalAccesses: {
        repeated: true,
        children: {
          enabled: { required: true, values: BOOLEAN },
          externalCredentialPrincipal: {
            required: true,
            pattern: /^[A-Za-z][A-Za-z0-9_]*-[A-Za-z][A-Za-z0-9_]*$/,
          },
        },
      },
      hasActivationRequired: { values: BOOLEAN },
      label: { required: true, pattern: TEXT },
      objectPermissions: {
        repeated: true,
        children: {
          allowCreate: { required: true, values: BOOLEAN },
          allowDelete: { required: true, values: BOOLEAN },
          allowEdit: { required: true, values: BOOLEAN },
          allowRead: { required: true, values: BOOLEAN },
          modifyAllRecords: { required: true, values: BOOLEAN },
          object: { required: true, pattern: /^[A-Za-z][A-Za-z0-9_]*$/ },
          // viewAllFields is left out of the files: it is newer than some API versions the command accepts.
          viewAllFields: { values: BOOLEAN },
          viewAllRecords: { required: true, values: BOOLEAN },
        },
      },
    },
  },
  Package: {
    doc: "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/manifest_samples.htm",
    elements: {
      types: {
        required: true,
        repeated: true,
        children: {
          members: { required: true, repeated: true, pattern: DEVELOPER_NAME },
          name: {
            required: true,
            values: ["ExternalCredential", "ExternalServiceRegistration", "NamedCredential", "PermissionSet"],
          },
        },
      },
      version: { required: true, pattern: /^\d{2,3}\.0$/ },
    },
  },
};

/**
 * Checks a parsed metadata file (fast-xml-parser output, values as text) against the table: every element known,
 * required ones present, single ones not repeated, values in their set. Returns the problems, one line each.
 */
export function checkAgainstTable(root: string, content: unknown): string[] {
  const rule = METADATA_TABLE[root];
  if (rule === undefined) return [`${root} is not a type of the table`];
  const problems: string[] = [];
  const walk = (at: string, node: unknown, elements: Readonly<Record<string, ElementRule>>) => {
    if (typeof node !== "object" || node === null) {
      problems.push(`${at} should hold elements`);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const [name, value] of Object.entries(record)) {
      if (name.startsWith("@_")) continue;
      const element = elements[name];
      if (element === undefined) {
        problems.push(`${at}/${name} is not a documented element (${rule.doc})`);
        continue;
      }
      const values = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && !element.repeated) problems.push(`${at}/${name} is repeated`);
      for (const item of values) {
        if (element.children !== undefined) walk(`${at}/${name}`, item, element.children);
        else if (typeof item !== "string") problems.push(`${at}/${name} should hold text`);
        else if (element.values !== undefined && !element.values.includes(item))
          problems.push(`${at}/${name} is "${item}", not one of ${element.values.join(", ")}`);
        else if (element.pattern !== undefined && !element.pattern.test(item))
          problems.push(`${at}/${name} is "${item.slice(0, 80)}", which does not match ${element.pattern}`);
      }
    }
    for (const [name, element] of Object.entries(elements))
      if (element.required && !(name in record)) problems.push(`${at}/${name} is missing`);
  };
  walk(root, content, rule.elements);
  return problems;
}
