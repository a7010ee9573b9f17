/**
 * What a notice template may say, checked on Handlebars' own syntax tree when the template is
 * saved (not when a notice is due: a partner's typo must surface in the editor, not as a customer
 * left without a reminder). Every path a template names must be a variable of its event (or a
 * field of the list an `{{#each}}` walks), every helper one of ours; partials, decorators and
 * `{{{unescaped}}}` HTML are refused. Templates compile with `strict` (a missing variable throws
 * instead of printing nothing) and `knownHelpersOnly` (no helper lookup at run time).
 */
import Handlebars from "handlebars";
import { DEFAULT_ACCENT } from "../render/layout.js";
import type { NoticeVariable } from "./events.js";

/** The parts of a template: an e-mail has all three, an SMS or a voice message only `text`. */
export type TemplateField = "subject" | "html" | "text";

/** How a field is rendered: `html` escapes every value; the others print values as they are. */
type Mode = "html" | "plain";
const modeOf = (field: TemplateField): Mode => (field === "html" ? "html" : "plain");

interface HelperSpec {
  /** Opens a block (`{{#if x}}…{{/if}}`) or is called inline (`{{upper x}}`, `(eq a b)`). */
  block: boolean;
  min: number;
  max: number;
  /** Only in these fields (the HTML-making helpers only in `html`). */
  fields?: readonly TemplateField[];
  description: string;
}

/** The helpers templates may use; anything else is refused when saved. */
export const TEMPLATE_HELPERS: Readonly<Record<string, HelperSpec>> = {
  if: { block: true, min: 1, max: 1, description: "{{#if x}}…{{else}}…{{/if}}" },
  unless: { block: true, min: 1, max: 1, description: "{{#unless x}}…{{/unless}}" },
  each: { block: true, min: 1, max: 1, description: "{{#each items}}{{name}}{{/each}}" },
  with: { block: true, min: 1, max: 1, description: "{{#with x}}{{this}}{{/with}}" },
  eq: { block: false, min: 2, max: 2, description: '(eq stage "completed"): true when both are equal' },
  upper: { block: false, min: 1, max: 1, description: "{{upper x}}: in capitals" },
  lower: { block: false, min: 1, max: 1, description: "{{lower x}}: in small letters" },
  default: {
    block: false,
    min: 2,
    max: 2,
    description: '{{default x "—"}}: x, or the fallback when x is empty',
  },
  plural: {
    block: false,
    min: 3,
    max: 4,
    description:
      '{{plural n "rok" "lata" "lat"}} (Polish: one, few, many) or {{plural n "year" "years"}}: the word for n',
  },
  paragraphs: {
    block: false,
    min: 1,
    max: 1,
    fields: ["html"],
    description: "{{paragraphs text}}: plain text as HTML paragraphs (blank line = new paragraph)",
  },
  button: {
    block: false,
    min: 2,
    max: 2,
    fields: ["html"],
    description: '{{button url "Label"}}: a button in the accent colour that works in every mail client',
  },
};

const KNOWN_HELPERS: Record<string, boolean> = {
  ...Object.fromEntries(Object.keys(TEMPLATE_HELPERS).map((n) => [n, true])),
  // Handlebars' own helpers we do not offer: with knownHelpersOnly, `false` makes them unknown.
  lookup: false,
  log: false,
};

const DATA_NAMES = new Set(["index", "first", "last", "key"]);

// --- Checking -----------------------------------------------------------------------------------------

type AstNode = hbs.AST.Node;
type Path = hbs.AST.PathExpression;

/** What a name stands for: a group of named values, a list of such groups, or one value. */
type Shape =
  | { kind: "record"; fields: ReadonlyMap<string, NoticeVariable> }
  | { kind: "list"; item: Shape }
  | { kind: "value"; variable: NoticeVariable };

interface Frame {
  context: Shape;
  params: ReadonlyMap<string, Shape>;
  inEach: boolean;
}

const recordOf = (vars: readonly NoticeVariable[]): Shape => ({
  kind: "record",
  fields: new Map(vars.map((v) => [v.name, v])),
});

function shapeOf(v: NoticeVariable): Shape {
  return v.type === "list"
    ? { kind: "list", item: recordOf(v.fields ?? []) }
    : { kind: "value", variable: v };
}

/** What is wrong with one field of a template; all of them are reported together. */
interface TemplateProblems {
  unknownVariables: string[];
  unknownHelpers: string[];
  other: string[];
}

const lineOf = (node: AstNode) => node.loc?.start.line ?? 1;

class Checker {
  readonly problems: TemplateProblems = { unknownVariables: [], unknownHelpers: [], other: [] };

  constructor(
    private readonly field: TemplateField,
    private readonly root: Shape,
  ) {}

  program(program: hbs.AST.Program, frames: readonly Frame[]): void {
    for (const node of program.body) this.statement(node, frames);
  }

  private statement(node: AstNode, frames: readonly Frame[]): void {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        return;
      case "MustacheStatement":
        this.mustache(node as hbs.AST.MustacheStatement, frames);
        return;
      case "BlockStatement":
        this.block(node as hbs.AST.BlockStatement, frames);
        return;
      case "PartialStatement":
      case "PartialBlockStatement":
        this.problems.other.push(`partials ({{> …}}) are not available (line ${lineOf(node)})`);
        return;
      default:
        // Decorators ({{* …}}) and anything a future Handlebars may add.
        this.problems.other.push(`${node.type} is not available (line ${lineOf(node)})`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, frames: readonly Frame[]): void {
    if (node.path.type !== "PathExpression") {
      this.problems.other.push(`a literal cannot stand alone in {{…}} (line ${lineOf(node)})`);
      return;
    }
    const path = node.path as Path;
    if (!node.escaped && this.field === "html") {
      // The partner writes the HTML; values (customer names…) are always escaped, never raw HTML.
      this.problems.other.push(
        `{{{${path.original}}}} would insert ${path.original} as raw HTML; use {{${path.original}}} (line ${lineOf(node)})`,
      );
    }
    const helper = helperName(path);
    if (helper !== undefined) {
      const spec = TEMPLATE_HELPERS[helper]!;
      if (spec.block) {
        this.problems.other.push(
          `${helper} opens a block: {{#${helper} …}}…{{/${helper}}} (line ${lineOf(node)})`,
        );
        return;
      }
      this.call(helper, node, frames);
      return;
    }
    if (node.params.length > 0 || node.hash?.pairs.length) {
      this.unknownHelper(path.original, node);
      this.arguments(node, frames);
      return;
    }
    const shape = this.resolve(path, frames);
    if (shape && shape.kind !== "value") {
      const what = shape.kind === "list" ? `a list: walk it with {{#each ${path.original}}}` : "a group";
      this.problems.other.push(`${path.original} is ${what} (line ${lineOf(node)})`);
    }
  }

  private block(node: hbs.AST.BlockStatement, frames: readonly Frame[]): void {
    const name = helperName(node.path);
    const spec = name === undefined ? undefined : TEMPLATE_HELPERS[name];
    if (name === undefined || !spec?.block) {
      if (spec) {
        this.problems.other.push(`${name} is not a block: use {{${name} …}} (line ${lineOf(node)})`);
      } else {
        this.unknownHelper(`#${node.path.original}`, node);
      }
      this.arguments(node, frames);
      this.program(node.program, frames);
      if (node.inverse) this.program(node.inverse, frames);
      return;
    }
    this.call(name, node, frames);
    const param = node.params[0];
    const walks = name === "each" || name === "with";
    const shape = walks && param?.type === "PathExpression" ? this.resolve(param as Path, frames) : undefined;
    const blockParams = node.program.blockParams ?? [];
    let inner: readonly Frame[] = frames;
    if (name === "each") {
      if (param && param.type !== "PathExpression") {
        this.problems.other.push(`{{#each}} walks a list variable (line ${lineOf(node)})`);
      } else if (shape && shape.kind !== "list") {
        this.problems.other.push(
          `{{#each ${(param as Path).original}}} needs a list; ${(param as Path).original} is not one (line ${lineOf(node)})`,
        );
      }
      const item: Shape = shape?.kind === "list" ? shape.item : { kind: "record", fields: new Map() };
      const params = new Map<string, Shape>();
      if (blockParams[0]) params.set(blockParams[0], item);
      if (blockParams[1]) params.set(blockParams[1], { kind: "value", variable: INDEX_VARIABLE });
      inner = [...frames, { context: item, params, inEach: true }];
    } else if (name === "with") {
      const context: Shape = shape ?? { kind: "record", fields: new Map() };
      const params = new Map<string, Shape>();
      if (blockParams[0]) params.set(blockParams[0], context);
      inner = [...frames, { context, params, inEach: frames.at(-1)?.inEach ?? false }];
    } else if (blockParams.length > 0) {
      this.problems.other.push(`{{#${name}}} takes no "as |…|" (line ${lineOf(node)})`);
    }
    this.program(node.program, inner);
    // {{else}} of an #each/#with runs in the outer context.
    if (node.inverse) this.program(node.inverse, frames);
  }

  /** A helper call: its arity, no hash arguments, and each argument checked. */
  private call(
    name: string,
    node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression,
    frames: readonly Frame[],
  ): void {
    const spec = TEMPLATE_HELPERS[name]!;
    if (spec.fields && !spec.fields.includes(this.field)) {
      this.problems.other.push(
        `${name} is available only in ${spec.fields.join(", ")} (line ${lineOf(node)})`,
      );
    }
    const n = node.params.length;
    if (n < spec.min || n > spec.max) {
      const want = spec.min === spec.max ? `${spec.min}` : `${spec.min}–${spec.max}`;
      this.problems.other.push(
        `${name} takes ${want} ${spec.max === 1 ? "argument" : "arguments"}, got ${n} (line ${lineOf(node)})`,
      );
    }
    if (node.hash?.pairs.length) {
      this.problems.other.push(`${name} takes no name=value arguments (line ${lineOf(node)})`);
    }
    // The parameter of #each/#with is resolved by the block itself, which needs its shape.
    const own = node.type === "BlockStatement" && (name === "each" || name === "with");
    this.arguments(node, frames, own ? 1 : 0);
  }

  private arguments(
    node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression,
    frames: readonly Frame[],
    skip = 0,
  ): void {
    const args = [...node.params.slice(skip), ...(node.hash?.pairs.map((p) => p.value) ?? [])];
    for (const arg of args) {
      if (arg.type === "PathExpression") this.resolve(arg as Path, frames);
      else if (arg.type === "SubExpression") this.subExpression(arg as hbs.AST.SubExpression, frames);
    }
  }

  private subExpression(node: hbs.AST.SubExpression, frames: readonly Frame[]): void {
    const name = helperName(node.path);
    const spec = name === undefined ? undefined : TEMPLATE_HELPERS[name];
    if (name === undefined || !spec || spec.block) {
      if (spec?.block) this.problems.other.push(`${name} cannot be used in (…) (line ${lineOf(node)})`);
      else this.unknownHelper(node.path.original, node);
      this.arguments(node, frames);
      return;
    }
    this.call(name, node, frames);
  }

  /** Finds what a path names; records an unknown variable when it names nothing. */
  private resolve(path: Path, frames: readonly Frame[]): Shape | undefined {
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === "root") {
        if (rest.length === 0) return this.root;
        return this.walk(this.root, rest, path);
      }
      if (head !== undefined && DATA_NAMES.has(head) && rest.length === 0) {
        if (frames.some((f) => f.inEach)) return { kind: "value", variable: INDEX_VARIABLE };
        this.problems.other.push(`${path.original} exists only inside {{#each}} (line ${lineOf(path)})`);
        return undefined;
      }
      this.unknownVariable(path.original, path);
      return undefined;
    }
    const scoped = /^(\.|this\b)/.test(path.original);
    if (path.depth === 0 && !scoped && path.parts.length > 0) {
      for (let i = frames.length - 1; i >= 0; i--) {
        const param = frames[i]!.params.get(path.parts[0]!);
        if (param) return this.walk(param, path.parts.slice(1), path);
      }
    }
    const frame = frames[frames.length - 1 - path.depth];
    if (!frame) {
      this.problems.other.push(`${path.original} goes above the template's top level (line ${lineOf(path)})`);
      return undefined;
    }
    const shape = find(frame.context, path.parts);
    if (shape) return shape;
    const head = path.parts[0];
    const outer =
      path.depth === 0 &&
      head !== undefined &&
      frames.slice(0, -1).some((f) => f.context.kind === "record" && f.context.fields.has(head));
    if (outer) {
      // Inside #each the context is the item: outer names need ../ (strict mode does not look up).
      this.problems.other.push(
        `${path.original} is not a field here (inside {{#each}}/{{#with}}); name it ../${path.original} or @root.${path.original} (line ${lineOf(path)})`,
      );
    } else {
      this.unknownVariable(path.original, path);
    }
    return undefined;
  }

  private walk(start: Shape, parts: readonly string[], path: Path): Shape | undefined {
    const shape = find(start, parts);
    if (!shape) this.unknownVariable(path.original, path);
    return shape;
  }

  private unknownVariable(name: string, node: AstNode): void {
    this.problems.unknownVariables.push(`${name} (line ${lineOf(node)})`);
  }

  private unknownHelper(name: string, node: AstNode): void {
    this.problems.unknownHelpers.push(`${name} (line ${lineOf(node)})`);
  }
}

/** Follows `a.b.c` through groups; a plain value or a list has no fields (not even `length`). */
function find(start: Shape, parts: readonly string[]): Shape | undefined {
  let shape: Shape = start;
  for (const part of parts) {
    const next = shape.kind === "record" ? shape.fields.get(part) : undefined;
    if (!next) return undefined;
    shape = shapeOf(next);
  }
  return shape;
}

/** `@index` and the `as |item i|` index: a number. */
const INDEX_VARIABLE: NoticeVariable = {
  name: "@index",
  type: "integer",
  required: true,
  description: { pl: "Numer pozycji (od 0)", en: "Position (from 0)" },
  sample: 0,
};

/** The helper a path calls, when it is one plain name that is ours. */
function helperName(path: hbs.AST.Expression): string | undefined {
  if (path.type !== "PathExpression") return undefined;
  const p = path as Path;
  if (p.data || p.depth > 0 || p.parts.length !== 1 || /^(\.|this\b)/.test(p.original)) return undefined;
  return Object.hasOwn(TEMPLATE_HELPERS, p.parts[0]!) ? p.parts[0] : undefined;
}

/** Handlebars' parse error as one line a partner can act on: the line number and the text near it. */
function syntaxMessage(err: unknown): string {
  const e = err as { message?: string; lineNumber?: number; hash?: { loc?: { first_line?: number } } };
  const message = String(e.message ?? err);
  const line =
    e.hash?.loc?.first_line ?? e.lineNumber ?? Number(/line (\d+)/.exec(message)?.[1] ?? Number.NaN);
  const at = Number.isFinite(line) ? ` on line ${line}` : "";
  const lines = message.split("\n");
  if (lines[0]?.startsWith("Parse error") || lines[0]?.startsWith("Lexical error")) {
    const near = lines[1]?.trim();
    const got = /got '([A-Z_]+)'/.exec(message)?.[1];
    return `syntax error${at}${near ? ` near "${near}"` : ""}${got === "EOF" ? " (a {{ or block is not closed)" : ""}`;
  }
  const first = lines[0]!.replace(/ - \d+:\d+$/, "");
  const mismatch = /^(\S+) doesn't match (\S+)$/.exec(first);
  if (mismatch) return `syntax error${at}: {{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`;
  return `syntax error${at}: ${first}`;
}

/**
 * Checks one field of a template against its event's variables. Returns the problems found, or
 * `undefined` when the field is fine.
 */
export function checkTemplateField(
  source: string,
  field: TemplateField,
  variables: readonly NoticeVariable[],
): string | undefined {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (err) {
    return syntaxMessage(err);
  }
  const root = recordOf(variables);
  const checker = new Checker(field, root);
  checker.program(program, [{ context: root, params: new Map(), inEach: false }]);
  const { unknownVariables, unknownHelpers, other } = checker.problems;
  const parts: string[] = [];
  if (unknownVariables.length > 0) {
    parts.push(
      `unknown ${unknownVariables.length === 1 ? "variable" : "variables"}: ${unknownVariables.join(", ")}`,
    );
  }
  if (unknownHelpers.length > 0) {
    const allowed = Object.keys(TEMPLATE_HELPERS)
      .filter((n) => !TEMPLATE_HELPERS[n]!.fields || TEMPLATE_HELPERS[n]!.fields!.includes(field))
      .join(", ");
    parts.push(
      `unknown ${unknownHelpers.length === 1 ? "helper" : "helpers"}: ${unknownHelpers.join(", ")} (available: ${allowed})`,
    );
  }
  parts.push(...other);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

// --- Rendering ------------------------------------------------------------------------------------------

export interface RenderData {
  /** `#rrggbb` of the partner's brand, for `{{button}}`. */
  accentColor: string;
}

const asText = (v: unknown) => (v === null || v === undefined ? "" : String(v));

function pluralForm(n: number, forms: string[]): string {
  if (forms.length === 2) return n === 1 ? forms[0]! : forms[1]!;
  // Polish: 1 rok; 2–4, 22–24… lata; 5–21, 25… lat.
  if (n === 1) return forms[0]!;
  const d = Math.abs(n) % 10;
  const dd = Math.abs(n) % 100;
  return d >= 2 && d <= 4 && !(dd >= 12 && dd <= 14) ? forms[1]! : forms[2]!;
}

function commonHelpers(env: typeof Handlebars): void {
  env.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  env.registerHelper("upper", (v: unknown) => asText(v).toLocaleUpperCase("pl"));
  env.registerHelper("lower", (v: unknown) => asText(v).toLocaleLowerCase("pl"));
  env.registerHelper("default", (v: unknown, fallback: unknown) =>
    v === null || v === undefined || v === "" ? fallback : v,
  );
  env.registerHelper("plural", (...args: unknown[]) => {
    const forms = args.slice(1, -1).map(asText);
    return pluralForm(Number(args[0]), forms);
  });
}

const escapeText = (v: unknown) => Handlebars.escapeExpression(asText(v));

/** A button as a one-cell table (Outlook ignores padding and backgrounds on links). */
export function buttonHtml(url: string, label: string, accentColor: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeText(label);
  const href = escapeText(url);
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px 0;"><tr>` +
    `<td align="center" bgcolor="${accentColor}" style="border-radius:4px;background-color:${accentColor};">` +
    `<a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:Arial,Helvetica,sans-serif;` +
    `font-size:15px;font-weight:bold;line-height:1.2;color:#ffffff;text-decoration:none;border-radius:4px;">${escapeText(label)}</a>` +
    `</td></tr></table>`
  );
}

function makeEnv(mode: Mode): typeof Handlebars {
  const env = Handlebars.create();
  commonHelpers(env);
  if (mode === "html") {
    env.registerHelper("paragraphs", (v: unknown) => {
      const html = asText(v)
        .replace(/\r\n?/g, "\n")
        .trim()
        .split(/\n[ \t]*\n\s*/)
        .filter((p) => p.length > 0)
        .map((p) => `<p style="margin:0 0 16px 0;">${escapeText(p).replace(/\n/g, "<br>\n")}</p>`)
        .join("\n");
      return new Handlebars.SafeString(html);
    });
    env.registerHelper("button", (url: unknown, label: unknown, options: Handlebars.HelperOptions) => {
      const accent = (options.data as { accentColor?: string } | undefined)?.accentColor ?? DEFAULT_ACCENT;
      return new Handlebars.SafeString(buttonHtml(asText(url), asText(label), accent));
    });
  }
  return env;
}

const ENVS: Record<Mode, typeof Handlebars> = { html: makeEnv("html"), plain: makeEnv("plain") };

const compiled = new Map<string, Handlebars.TemplateDelegate>();
const CACHE_LIMIT = 500;

/**
 * Renders one (already checked) field. `html` escapes every value it prints; the other fields
 * print them as they are (an SMS must show `Łódź & Co`, not `&amp;`).
 */
export function renderField(
  source: string,
  field: TemplateField,
  context: Record<string, unknown>,
  data: RenderData,
): string {
  const mode = modeOf(field);
  const key = `${mode}\u0000${source}`;
  let template = compiled.get(key);
  if (!template) {
    template = ENVS[mode].compile(source, {
      strict: true,
      knownHelpersOnly: true,
      knownHelpers: KNOWN_HELPERS,
      noEscape: mode === "plain",
    });
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(key, template);
  }
  return template(context, { data: { accentColor: data.accentColor } });
}
