/**
 * The metadata lists' query filters with django-filter's semantics: which values are
 * ignored (empty ones, unknown booleans) and which filters a request switches on. How a
 * raw value is read lives in src/http/filter_values.ts, shared with every list.
 */
import { DRF_MESSAGES } from "../http/drf.ts";
import type { Filter } from "./registry.ts";
import {
  autocompletePatterns,
  parseBoolean,
  parseDecimal,
  parseUuid,
} from "../http/filter_values.ts";

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
  uuid: DRF_MESSAGES.enterValidUuid,
  choice: DRF_MESSAGES.invalidChoice,
} as const;

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
