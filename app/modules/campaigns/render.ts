// Shared by server and browser: how a campaign message becomes the text one contact receives.
//
//   {{first_name}}, {{name}}, {{phone}}, {{email}}, {{<custom field key>}}  contact data
//   {{first_name|cliente}}                                                 fallback when empty
//   {Olá|Oi|E aí}  (nested allowed; \{ \} \| are literal)                  spintax
//
// Spintax choices are picked from a hash of (seed, group number): give each recipient its own seed
// (its id) so a burst is not identical, and a retry with the same seed renders the same text.

export type RenderContact = {
  name: string | null;
  phone: string | null;
  email: string | null;
  attributes: Record<string, unknown> | null;
};

export type RenderOptions = {
  seed: number | string;
  /**
   * Custom field keys the organization defines. A variable that is neither built in nor listed is
   * left visible as written (so a typo shows up in the preview). Without the list, any key present
   * in the contact's attributes, or written with a fallback, counts as known.
   */
  knownKeys?: readonly string[];
};

export const BUILT_IN_VARIABLES = ["first_name", "name", "phone", "email"] as const;

/** Portuguese spellings people type; they mean the built-in variable. */
const ALIASES: Record<string, (typeof BUILT_IN_VARIABLES)[number]> = {
  primeiro_nome: "first_name",
  nome: "name",
  telefone: "phone",
  celular: "phone",
};

type VariableNode = { kind: "variable"; key: string; fallback: string | null; raw: string };
type ChoiceNode = { kind: "choice"; index: number; options: Node[][] };
type Node = { kind: "text"; text: string } | VariableNode | ChoiceNode;

const VARIABLE = /^\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/;
const VARIABLE_KEY = /^[a-z_][a-z0-9_]*$/;

type Parser = { text: string; at: number; groups: number; unclosed: boolean };

/** Reads nodes until the end, or (inside a group) until an unescaped `|` or `}`. */
function parseSequence(parser: Parser, inGroup: boolean): Node[] {
  const nodes: Node[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer) nodes.push({ kind: "text", text: buffer });
    buffer = "";
  };
  while (parser.at < parser.text.length) {
    const rest = parser.text.slice(parser.at);
    const char = rest[0]!;
    if (char === "\\" && rest.length > 1 && "{}|\\".includes(rest[1]!)) {
      buffer += rest[1];
      parser.at += 2;
      continue;
    }
    if (rest.startsWith("{{")) {
      const match = VARIABLE.exec(rest);
      if (match) {
        flush();
        nodes.push({ kind: "variable", key: match[1]!.toLowerCase(), fallback: match[2] === undefined ? null : match[2].trim(), raw: match[0] });
        parser.at += match[0].length;
        continue;
      }
    }
    if (char === "{") {
      const group = parseGroup(parser);
      if (group) {
        flush();
        nodes.push(group);
      } else {
        buffer += "{";
        parser.at += 1;
      }
      continue;
    }
    if (inGroup && (char === "|" || char === "}")) break;
    buffer += char;
    parser.at += 1;
  }
  flush();
  return nodes;
}

/** `{a|b}` → a choice; an unclosed `{` gives null and the parser rewinds to read it as text. */
function parseGroup(parser: Parser): ChoiceNode | null {
  const start = parser.at;
  const groupsBefore = parser.groups;
  const index = parser.groups++;
  parser.at += 1;
  const options: Node[][] = [];
  for (;;) {
    options.push(parseSequence(parser, true));
    const char = parser.text[parser.at];
    if (char === "|") {
      parser.at += 1;
      continue;
    }
    if (char === "}") {
      parser.at += 1;
      return { kind: "choice", index, options };
    }
    parser.at = start;
    parser.groups = groupsBefore;
    parser.unclosed = true;
    return null;
  }
}

function parse(text: string): { nodes: Node[]; unclosed: boolean } {
  const parser: Parser = { text, at: 0, groups: 0, unclosed: false };
  const nodes = parseSequence(parser, false);
  return { nodes, unclosed: parser.unclosed };
}

/** FNV-1a: small, stable across processes and platforms. */
function hash(input: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    value ^= input.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

function canonicalKey(key: string): string {
  return ALIASES[key] ?? key;
}

function isBuiltIn(key: string): key is (typeof BUILT_IN_VARIABLES)[number] {
  return (BUILT_IN_VARIABLES as readonly string[]).includes(key);
}

function attributeText(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return "";
}

/** The contact's value for a variable key ("" when it has none). */
export function contactValue(contact: RenderContact, key: string): string {
  const canonical = canonicalKey(key.toLowerCase());
  switch (canonical) {
    case "first_name":
      return (contact.name ?? "").trim().split(/\s+/)[0] ?? "";
    case "name":
      return (contact.name ?? "").trim();
    case "phone":
      return contact.phone ?? "";
    case "email":
      return contact.email ?? "";
    default:
      return attributeText(contact.attributes?.[canonical]);
  }
}

function renderNodes(nodes: Node[], contact: RenderContact, opts: RenderOptions): string {
  let out = "";
  for (const node of nodes) {
    if (node.kind === "text") out += node.text;
    else if (node.kind === "choice") {
      const pick = hash(`${opts.seed}:${node.index}`) % node.options.length;
      out += renderNodes(node.options[pick]!, contact, opts);
    } else out += renderVariable(node, contact, opts);
  }
  return out;
}

function renderVariable(node: VariableNode, contact: RenderContact, opts: RenderOptions): string {
  const key = canonicalKey(node.key);
  if (!VARIABLE_KEY.test(key)) return node.raw;
  const known = isBuiltIn(key) || (opts.knownKeys ? opts.knownKeys.includes(key) : node.fallback !== null || contact.attributes?.[key] !== undefined);
  if (!known) return node.raw;
  const value = contactValue(contact, key);
  return value !== "" ? value : (node.fallback ?? "");
}

/** The text one contact receives. Deterministic for a given (text, contact, seed). */
export function renderMessage(text: string, contact: RenderContact, opts: RenderOptions): string {
  return renderNodes(parse(text).nodes, contact, opts);
}

function collectVariables(nodes: Node[], into: VariableNode[]): VariableNode[] {
  for (const node of nodes) {
    if (node.kind === "variable") into.push(node);
    else if (node.kind === "choice") for (const option of node.options) collectVariables(option, into);
  }
  return into;
}

/** Variable keys used in the text (lower-case, aliases resolved), in order of first appearance. */
export function findVariables(text: string): string[] {
  return [...new Set(collectVariables(parse(text).nodes, []).map((node) => canonicalKey(node.key)))];
}

export type TemplateTextIssue = { code: "unknownVariable"; variable: string } | { code: "invalidVariable"; variable: string } | { code: "unclosedSpintax" };

/** What is wrong with a message text, for errors shown beside the field. Empty when it is fine. */
export function validateTemplateText(text: string, knownKeys: readonly string[]): TemplateTextIssue[] {
  const { nodes, unclosed } = parse(text);
  const issues: TemplateTextIssue[] = [];
  const seen = new Set<string>();
  for (const node of collectVariables(nodes, [])) {
    const key = canonicalKey(node.key);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!VARIABLE_KEY.test(key)) issues.push({ code: "invalidVariable", variable: node.raw });
    else if (!isBuiltIn(key) && !knownKeys.includes(key)) issues.push({ code: "unknownVariable", variable: key });
  }
  if (unclosed) issues.push({ code: "unclosedSpintax" });
  return issues;
}

/** How one Meta template body variable ({{1}}, {{2}}…) is filled: a contact field, else the fallback. */
export type TemplateVariableMapping = { source: string; fallback: string };

/**
 * The template's body parameters for one contact, in the body's variable order. Meta rejects an
 * empty parameter, so an empty value with an empty fallback becomes "-".
 */
export function templateBodyParameters(mappings: readonly TemplateVariableMapping[], contact: RenderContact): string[] {
  return mappings.map((mapping) => {
    const value = mapping.source ? contactValue(contact, mapping.source) : "";
    if (value !== "") return value;
    return mapping.fallback.trim() !== "" ? mapping.fallback.trim() : "-";
  });
}
