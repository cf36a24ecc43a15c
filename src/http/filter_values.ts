/**
 * Reading raw query-string values the way django-filter does, for every list: what counts
 * as a number, a UUID or a boolean (anything else is "not given", as its widgets do), and
 * the word-prefix patterns of the autocomplete filters (datahub.core.autocomplete).
 */

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
  return search.split(/\s+/).filter(Boolean).map(wordPrefixPattern);
}

/** A case-insensitive (`~*`) pattern: a word starts with `token`, taken literally. */
export function wordPrefixPattern(token: string): string {
  return String.raw`\m` + token.replace(REGEX_SPECIAL, (c) => `\\${c}`);
}
