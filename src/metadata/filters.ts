/**
 * The metadata lists' query filters with django-filter's semantics: how each raw query
 * value is read (what counts as a number, a UUID or a boolean), which values are ignored
 * (empty ones, unknown booleans) and what the autocomplete filter matches.
 */
import type { Filter } from "./registry.ts";

/** A filter that applies to this request, with its value parsed. */
export type ActiveFilter =
  | { kind: "boolean"; filter: Filter; value: boolean }
  | { kind: "choice"; filter: Filter & { kind: "choice" }; value: string }
  | { kind: "uuid"; filter: Filter; value: string }
  | { kind: "number"; filter: Filter & { kind: "number" }; value: string }
  | { kind: "overlap" | "autocomplete"; filter: Filter; value: string[] };

/** What django-filter says when a value does not parse. */
export const filterMessages = {
  number: "Enter a number.",
  uuid: "Enter a valid UUID.",
  choice: "Select a valid choice. That choice is not one of the available choices.",
} as const;

// Python's Decimal() syntax (digits may be grouped with single underscores), finite only.
const DIGITS = String.raw`\d(?:_?\d)*`;
const DECIMAL = new RegExp(
  String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`,
);

/** The decimal in `raw` as PostgreSQL numeric text, or null when it is not a number. */
export function parseDecimal(raw: string): string | null {
  const text = raw.trim();
  return DECIMAL.test(text) ? text.replaceAll("_", "") : null;
}

/** The UUID in `raw` in canonical form, accepting what Python's uuid.UUID() accepts. */
export function parseUuid(raw: string): string | null {
  const hex = raw.replaceAll("urn:", "").replaceAll("uuid:", "").replace(/^[{}]+|[{}]+$/g, "")
    .replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** django-filter's BooleanWidget: true/false/1/0 in any case; anything else is ignored. */
export function parseBoolean(raw: string): boolean | null {
  const value = raw.toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return null;
}

// The characters Python's re.escape() escapes; PostgreSQL reads `\` + any of them literally.
const REGEX_SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;

/**
 * The regular expressions of an autocomplete search (datahub.core.autocomplete): every
 * whitespace-separated token must match the start of a word, case-insensitively.
 */
export function autocompletePatterns(search: string): string[] {
  return search.split(/\s+/).filter(Boolean).map((token) =>
    String.raw`\m` + token.replace(REGEX_SPECIAL, (c) => `\\${c}`)
  );
}

/**
 * How each kind reads a raw value, as Django's form fields do: `null` means the filter
 * is not applied (an empty value, an unknown boolean). Values were validated by the
 * route's schema, so parsing cannot fail here.
 */
const readers = {
  boolean: (raw: string) => parseBoolean(raw),
  // ModelChoiceField does not strip: only "" is empty.
  choice: (raw: string) => raw === "" ? null : parseUuid(raw),
  // forms.UUIDField and CharField strip first.
  uuid: (raw: string) => raw.trim() === "" ? null : parseUuid(raw.trim()),
  overlap: (raw: string) => raw.trim() === "" ? null : raw.trim().split(","),
  // DecimalField: only "" is empty; Decimal() itself ignores surrounding spaces.
  number: (raw: string) => raw === "" ? null : parseDecimal(raw),
  // Applied whenever the parameter is present, even empty (then it only orders).
  autocomplete: (raw: string) => autocompletePatterns(raw),
};

/** Whether `raw` is acceptable for a filter of `kind` (an empty value always is). */
export function isValidFilterValue(kind: Filter["kind"], raw: string): boolean {
  switch (kind) {
    case "choice":
      return raw === "" || parseUuid(raw) !== null;
    case "uuid":
      return raw.trim() === "" || parseUuid(raw.trim()) !== null;
    case "number":
      return raw === "" || parseDecimal(raw) !== null;
    default:
      return true;
  }
}

/** The filters of `filters` that this request's query values switch on. */
export function activeFilters(
  filters: Filter[],
  query: Record<string, string | undefined>,
): ActiveFilter[] {
  const active: ActiveFilter[] = [];
  for (const filter of filters) {
    const raw = query[filter.param];
    if (raw === undefined) continue;
    const value = readers[filter.kind](raw);
    if (value !== null) active.push({ kind: filter.kind, filter, value } as ActiveFilter);
  }
  return active;
}
