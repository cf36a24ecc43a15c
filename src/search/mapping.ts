/**
 * Index mappings, declared once per search app in OpenSearch's own vocabulary so the
 * OpenSearch backend sends them as they are, and the PostgreSQL backend reads the same
 * declaration to know how to compare a field (exact, case-folded, words, substring,
 * boolean, date, number). Field builders and shared shapes follow the original's
 * `datahub/search/fields.py` and `opensearch.py`.
 */

export interface Property {
  type: "keyword" | "text" | "date" | "boolean" | "integer" | "long" | "double" | "object";
  index?: false;
  normalizer?: string;
  analyzer?: string;
  search_analyzer?: string;
  fields?: Record<string, Property>;
  properties?: Record<string, Property>;
}

export type Mapping = Record<string, Property>;

const NORMALIZER = "lowercase_asciifolding_normalizer";

/** K: exact keyword. */
export const keyword = (): Property => ({ type: "keyword" });
/** NK: keyword compared lower-cased and ASCII-folded. */
export const normalizedKeyword = (): Property => ({ type: "keyword", normalizer: NORMALIZER });
/** T: standard-analysed text, optionally with sub-fields. */
export const text = (fields?: Record<string, Property>): Property =>
  fields ? { type: "text", fields } : { type: "text" };
/** Text split into trigrams: partial (substring-like) matching. */
export const trigramText = (): Property => ({ type: "text", analyzer: "trigram_analyzer" });
/** EN: English-stemmed text. */
export const englishText = (): Property => ({ type: "text", analyzer: "english_analyzer" });
/** TT: text + `.trigram`. */
export const textWithTrigram = (): Property => text({ trigram: trigramText() });
/** T+kw+tri: text + `.keyword` (NK, for sorting and exact matches) + `.trigram`. */
export const textKeywordTrigram = (): Property =>
  text({ keyword: normalizedKeyword(), trigram: trigramText() });
/** PC: UK postcode analysis (area, district, sector all match). */
export const postcode = (): Property => ({
  type: "text",
  analyzer: "postcode_analyzer_v2",
  search_analyzer: "postcode_search_analyzer_v2",
});
export const date = (): Property => ({ type: "date" });
export const boolean = (): Property => ({ type: "boolean" });
export const integer = (): Property => ({ type: "integer" });
export const long = (): Property => ({ type: "long" });
export const double = (): Property => ({ type: "double" });
/** Stored in the document but not searchable (`-ni`). */
export const notIndexed = (p: Property): Property => ({ ...p, index: false });
export const object = (properties: Record<string, Property>): Property => ({
  type: "object",
  properties,
});

/** IdName: `{id, name}` with a normalised name. */
export const idName = () => object({ id: keyword(), name: normalizedKeyword() });
/** IdNameNI: `{id, name}`, name not indexed. */
export const idNameNotIndexed = () => object({ id: keyword(), name: notIndexed(keyword()) });
/** IdNamePartial: `{id, name}` with a partially matchable name. */
export const idNamePartial = () => object({ id: keyword(), name: textKeywordTrigram() });
/** Person (adviser or contact), optionally with their `dit_team`. */
export const person = (options: { team?: boolean } = {}) =>
  object({
    id: keyword(),
    first_name: normalizedKeyword(),
    last_name: normalizedKeyword(),
    name: textKeywordTrigram(),
    ...(options.team ? { dit_team: idName() } : {}),
  });
/** Sector with its ancestors' ids, for `sector_descends`. */
export const sector = () =>
  object({
    id: keyword(),
    name: normalizedKeyword(),
    ancestors: object({ id: keyword() }),
  });

/** Company (as embedded elsewhere): `{id, name, trading_names}`, names partially matchable. */
export const companyRef = () =>
  object({
    id: keyword(),
    name: text({ trigram: trigramText(), keyword: normalizedKeyword() }),
    trading_names: textWithTrigram(),
  });
/** Country or administrative area inside an address: `{id, name}`, name with trigrams. */
export const countryOrArea = () => object({ id: keyword(), name: textWithTrigram() });
/** Address: its parts with trigrams, area and country; `null` when every part is empty. */
export const address = () =>
  object({
    line_1: textWithTrigram(),
    line_2: textWithTrigram(),
    town: textWithTrigram(),
    county: textWithTrigram(),
    area: countryOrArea(),
    postcode: textWithTrigram(),
    country: countryOrArea(),
  });
/** An adviser searchable by id only (names stored, not indexed). */
export const adviserIdOnly = () =>
  object({
    id: keyword(),
    first_name: notIndexed(text()),
    last_name: notIndexed(text()),
    name: notIndexed(text()),
  });

/** Analysis settings of every index (`datahub/search/opensearch.py`). */
export const ANALYSIS = {
  normalizer: {
    lowercase_asciifolding_normalizer: {
      type: "custom",
      filter: ["lowercase", "asciifolding"],
      char_filter: [],
    },
  },
  tokenizer: {
    trigram: { type: "nGram", min_gram: 3, max_gram: 3, token_chars: ["letter", "digit"] },
  },
  char_filter: { special_chars: { type: "mapping", mappings: ["-=>"] } },
  filter: {
    english_possessive_stemmer: { type: "stemmer", language: "possessive_english" },
    english_stemmer: { type: "stemmer", language: "english" },
    english_stop: { type: "stop", stopwords: "_english_" },
    space_remover: { type: "pattern_replace", pattern: " ", replacement: "" },
    normalise_postcode_filter: {
      type: "pattern_replace",
      pattern:
        "^(?<area>[a-z]{1,2})(?<district>(?:[0-9][a-z]|[0-9]{1,2}))(?<sector>[0-9])(?<unit>[a-z]{2})$",
      replacement: "${area}${district} ${sector}${unit}",
    },
    postcode_filter: {
      type: "pattern_capture",
      preserve_original: true,
      patterns: [
        "^([a-z]{1,2})(?:[0-9][a-z]|[0-9]{1,2}) [0-9][a-z]{2}",
        "^(([a-z]{1,2}[0-9]) [0-9][a-z]{2}|([a-z]{1,2}[0-9]{2}) [0-9][a-z]{2}|([a-z]{1,2}[0-9])[a-z]? [0-9][a-z]{2})",
        "^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2})) [0-9][a-z]{2}",
        "^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2}) [0-9])[a-z]{2}",
      ],
    },
  },
  analyzer: {
    trigram_analyzer: {
      type: "custom",
      tokenizer: "trigram",
      char_filter: ["special_chars"],
      filter: ["lowercase"],
    },
    english_analyzer: {
      type: "custom",
      tokenizer: "standard",
      filter: ["english_possessive_stemmer", "lowercase", "english_stop", "english_stemmer"],
    },
    postcode_analyzer_v2: {
      type: "custom",
      tokenizer: "keyword",
      filter: ["space_remover", "lowercase", "normalise_postcode_filter", "postcode_filter"],
    },
    postcode_search_analyzer_v2: {
      type: "custom",
      tokenizer: "keyword",
      filter: ["lowercase", "normalise_postcode_filter"],
    },
  },
};

/** How a field compares, as the PostgreSQL backend needs to know. */
export type FieldKind =
  | "keyword"
  | "folded"
  | "text"
  | "trigram"
  | "postcode"
  | "boolean"
  | "date"
  | "number"
  | "object";

export interface ResolvedField {
  /** Path inside the stored document (sub-fields such as `.trigram` removed). */
  path: string[];
  kind: FieldKind;
}

function kindOf(p: Property): FieldKind {
  switch (p.type) {
    case "keyword":
      return p.normalizer ? "folded" : "keyword";
    case "text":
      if (p.analyzer === "trigram_analyzer") return "trigram";
      if (p.analyzer?.startsWith("postcode")) return "postcode";
      return "text";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "object":
      return "object";
    default:
      return "number";
  }
}

/**
 * Resolves an indexed field name (`dit_team.id`, `first_name.trigram`) against a
 * mapping. Throws for a name the mapping lacks: a typo in a declaration fails at once.
 */
export function resolveField(mapping: Mapping, field: string): ResolvedField {
  const parts = field.split(".");
  const path: string[] = [];
  let props: Record<string, Property> | undefined = mapping;
  let current: Property | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (props && Object.hasOwn(props, part)) {
      current = props[part];
      path.push(part);
      props = current.properties;
      continue;
    }
    const sub = current?.fields?.[part];
    if (sub && i === parts.length - 1) return { path, kind: kindOf(sub) };
    throw new Error(`unknown search field "${field}"`);
  }
  if (!current) throw new Error(`unknown search field "${field}"`);
  return { path, kind: kindOf(current) };
}
