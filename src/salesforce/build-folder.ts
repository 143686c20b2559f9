import { UsageError } from "../errors.js";
import { isObject } from "../validate/context.js";
import type { JsonObject } from "../validate/types.js";
import type { SalesforceNames } from "./names.js";
import { buildMetadataXml, type XmlElement } from "./xml.js";

/** Header the External Credential adds to every callout: the proxy takes the key in either (design.md §2, serve). */
export const HEADERS = ["x-api-key", "authorization"] as const;
export type KeyHeader = (typeof HEADERS)[number];

/** `sourceApiVersion` floor: PermissionSet.externalCredentialPrincipalAccesses needs 59.0 (salesforce-metadata.md §2.5). */
export const MIN_API_VERSION = 59;
export const DEFAULT_API_VERSION = "62.0";
export const DEFAULT_PACKAGE_DIRECTORY = "force-app";

/** The four metadata types of the folder, with their source-format folder and file suffix. */
export const METADATA_TYPES = {
  ExternalCredential: { folder: "externalCredentials", suffix: "externalCredential" },
  ExternalServiceRegistration: {
    folder: "externalServiceRegistrations",
    suffix: "externalServiceRegistration",
  },
  NamedCredential: { folder: "namedCredentials", suffix: "namedCredential" },
  PermissionSet: { folder: "permissionsets", suffix: "permissionset" },
} as const;
export type MetadataType = keyof typeof METADATA_TYPES;

export type RegistrationOperation = { name: string; active: boolean };

export type FolderInput = {
  /** The spec, already validated: it goes into <schema> exactly, minified. */
  spec: JsonObject;
  names: SalesforceNames;
  /** The spec's server URL (the proxy); the Named Credential takes its origin. */
  proxyUrl: string;
  header: KeyHeader;
  /** The <operations> entries, in order. */
  operations: readonly RegistrationOperation[];
  apiVersion: string;
  /** The package directory the components go in (the default one of an existing sfdx-project.json). */
  packageDirectory: string;
  /** Writes sfdx-project.json (only when the folder has none). */
  withProject: boolean;
  /** The systemVersion a retrieve of the registration showed; never written on a first create. */
  systemVersion?: string;
  /** Only the registration (the first folder of a two-step update); all four components otherwise. */
  only?: "registration";
};

/** Checks --api-version: a Metadata API version such as 62.0, at least 59.0. */
export function checkApiVersion(value: string): string {
  const match = /^(\d{2,3})\.0$/.exec(value);
  if (match === null || Number(match[1]) < MIN_API_VERSION) {
    throw new UsageError(
      `--api-version takes a Salesforce API version from ${MIN_API_VERSION}.0 on, such as ${DEFAULT_API_VERSION} (got "${value}").`,
    );
  }
  return value;
}

/** A URL as compared: scheme and host in lower case, the default port dropped (URL does both), no trailing `/`. */
function comparable(url: URL): string {
  return `${url.protocol}//${url.username}:${url.password}@${url.host}${url.pathname.replace(/\/+$/, "")}${url.search}`;
}

/** A URL as shown in a message: never its user name or password. */
export function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href.replace(/\/+$/, "");
}

/**
 * The proxy URL of the folder: the spec's single server, which Salesforce calls (the Named Credential's URL is its
 * origin, and the registration appends the server's path). `--proxy-url`, when given, must be that same URL: the
 * spec goes into the registration exactly as validated, so it cannot be rewritten here.
 */
export function resolveProxyUrl(spec: JsonObject, given: string | undefined): string {
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  const first = servers[0];
  const server = isObject(first) && typeof first.url === "string" ? first.url : undefined;
  if (server === undefined) {
    throw new UsageError(
      "the spec has no server URL: regenerate it with generate --proxy-url <the proxy's https URL>.",
    );
  }
  if (given !== undefined) {
    let wanted: URL;
    try {
      wanted = new URL(given);
    } catch {
      throw new UsageError(
        `--proxy-url is not a URL (got ${JSON.stringify(given.length > 60 ? `${given.slice(0, 60)}…` : given)}): give the proxy's URL, such as https://proxy.example.com, or leave --proxy-url out.`,
      );
    }
    let serverUrl: URL | undefined;
    try {
      serverUrl = new URL(server);
    } catch {
      serverUrl = undefined;
    }
    if (serverUrl === undefined || comparable(wanted) !== comparable(serverUrl)) {
      throw new UsageError(
        `--proxy-url ${withoutCredentials(wanted)} is not the spec's server ${serverUrl === undefined ? server : withoutCredentials(serverUrl)}: regenerate the spec with generate --proxy-url ${withoutCredentials(wanted)}, or leave --proxy-url out.`,
      );
    }
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(
      `the spec's server "${server}" is not an absolute URL: regenerate it with generate --proxy-url <the proxy's https URL>.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(
      `the spec's server "${server}" is not an http(s) URL (Salesforce fails callouts to a callout: server when a Named Credential is set): regenerate it with generate --proxy-url <the proxy's https URL>.`,
    );
  }
  return server;
}

/** Source-format path of one component, under the package directory. */
export function componentPath(packageDirectory: string, type: MetadataType, name: string): string {
  const { folder, suffix } = METADATA_TYPES[type];
  return `${packageDirectory}/main/default/${folder}/${name}.${suffix}-meta.xml`;
}

/** The auth-header formula: the key is read from the principal's encrypted parameter at callout time. */
function headerFormula(names: SalesforceNames, header: KeyHeader): { name: string; value: string } {
  const key = `$Credential.${names.externalCredential}.${names.keyParameter}`;
  return header === "authorization"
    ? { name: "Authorization", value: `{!'Bearer ' & ${key}}` }
    : { name: "X-API-Key", value: `{!${key}}` };
}

function externalCredential(input: FolderInput): XmlElement {
  const { names } = input;
  const header = headerFormula(names, input.header);
  return {
    authenticationProtocol: "Custom",
    description: `The kintone-openapi proxy's API key, sent as ${header.name}. Set the key with: kintone-openapi salesforce set-key.`,
    externalCredentialParameters: [
      {
        parameterGroup: names.principal,
        parameterName: names.principal,
        parameterType: "NamedPrincipal",
        sequenceNumber: 1,
      },
      {
        parameterGroup: "DefaultGroup",
        parameterName: header.name,
        parameterType: "AuthHeader",
        parameterValue: header.value,
        sequenceNumber: 1,
      },
    ],
    label: `${names.label} proxy`,
  };
}

function namedCredential(input: FolderInput): XmlElement {
  return {
    allowMergeFieldsInBody: false,
    allowMergeFieldsInHeader: true,
    calloutStatus: "Enabled",
    description:
      "The kintone-openapi proxy (kintone-openapi serve), authenticated by its External Credential.",
    generateAuthorizationHeader: false,
    label: `${input.names.label} proxy`,
    namedCredentialParameters: [
      { parameterName: "Url", parameterType: "Url", parameterValue: new URL(input.proxyUrl).origin },
      {
        externalCredential: input.names.externalCredential,
        parameterName: "ExternalCredential",
        parameterType: "Authentication",
      },
    ],
    namedCredentialType: "SecuredEndpoint",
  };
}

function permissionSet(input: FolderInput): XmlElement {
  const { names } = input;
  return {
    description: `Lets its users call the ${names.label} External Service (the proxy's key). Dedicated to kintone-openapi: a deploy replaces it whole.`,
    externalCredentialPrincipalAccesses: {
      enabled: true,
      externalCredentialPrincipal: `${names.externalCredential}-${names.principal}`,
    },
    hasActivationRequired: false,
    label: `${names.label} proxy callout`,
    objectPermissions: {
      allowCreate: false,
      allowDelete: false,
      allowEdit: false,
      allowRead: true,
      modifyAllRecords: false,
      object: "UserExternalCredential",
      // No viewAllFields: it is newer than API 59.0, the oldest version written here, and false by default.
      viewAllRecords: false,
    },
  };
}

/** The spec as it goes into <schema>: minified JSON of exactly the validated document. */
export function schemaText(spec: JsonObject): string {
  return JSON.stringify(spec);
}

function registration(input: FolderInput): XmlElement {
  const { names, spec } = input;
  const info = isObject(spec.info) ? spec.info : {};
  const title = typeof info.title === "string" ? info.title : names.label;
  const element: XmlElement = {
    description: `${title} through the kintone-openapi proxy (generated by kintone-openapi salesforce).`,
    label: names.label,
    namedCredentialReference: names.namedCredential,
  };
  if (input.operations.length > 0)
    element.operations = input.operations.map(({ name, active }) => ({ active, name }));
  element.registrationProviderType = "Custom";
  element.schema = schemaText(spec);
  element.schemaType = "OpenApi3";
  element.schemaUploadFileExtension = "json";
  element.schemaUploadFileName = names.registration.toLowerCase();
  element.status = "Complete";
  if (input.systemVersion !== undefined) element.systemVersion = input.systemVersion;
  return element;
}

function packageXml(members: ReadonlyArray<readonly [MetadataType, string]>, apiVersion: string): string {
  const sorted = [...members].sort(([a], [b]) => a.localeCompare(b));
  return buildMetadataXml("Package", {
    types: sorted.map(([type, name]) => ({ members: name, name: type })),
    version: apiVersion,
  });
}

/** sfdx-project.json for a folder that has none: one package directory (salesforce-metadata.md §5). */
export function sfdxProject(packageDirectory: string, apiVersion: string): string {
  return `${JSON.stringify(
    {
      packageDirectories: [{ path: packageDirectory, default: true }],
      name: "kintone-openapi-salesforce",
      namespace: "",
      sfdcLoginUrl: "https://login.salesforce.com",
      sourceApiVersion: apiVersion,
    },
    null,
    2,
  )}\n`;
}

/**
 * The Salesforce DX source folder, as relative path → file content, sorted by path: the External Credential, the
 * Named Credential, the permission set and the External Service registration (or the registration alone), the
 * manifest for them, and sfdx-project.json when asked for. Pure and deterministic: the same input gives the same
 * bytes.
 */
export function buildSalesforceFolder(input: FolderInput): Map<string, string> {
  const { names, packageDirectory } = input;
  const components: Array<[MetadataType, string, XmlElement]> = [
    ["ExternalServiceRegistration", names.registration, registration(input)],
  ];
  if (input.only !== "registration") {
    components.push(
      ["ExternalCredential", names.externalCredential, externalCredential(input)],
      ["NamedCredential", names.namedCredential, namedCredential(input)],
      ["PermissionSet", names.permissionSet, permissionSet(input)],
    );
  }
  const files = new Map<string, string>();
  for (const [type, name, content] of components)
    files.set(componentPath(packageDirectory, type, name), buildMetadataXml(type, content));
  files.set(
    "manifest/package.xml",
    packageXml(
      components.map(([type, name]) => [type, name] as const),
      input.apiVersion,
    ),
  );
  if (input.withProject) files.set("sfdx-project.json", sfdxProject(packageDirectory, input.apiVersion));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
