/**
 * CSV exports as the original writes them (`datahub/core/csv.py`): UTF-8 with a BOM, a
 * title row, `\r\n` line ends and minimal quoting (Python's csv module), Excel-friendly
 * values, and the CSV-injection guard. Streamed, so the first bytes leave at once; a
 * failure mid-stream appends the original's "incomplete" notice, since the 200 is gone.
 */
import type { CsvRow } from "./app.ts";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
/** At most this many rows per export (SEARCH_EXPORT_MAX_RESULTS). */
export const EXPORT_MAX_ROWS = 5000;
export const INCOMPLETE_CSV_MESSAGE =
  "\r\nAn error occurred while generating the CSV file. The file is incomplete.\r\n";

/** A decimal kept as its exact string (e.g. a `numeric` column); written normalised. */
export class Decimal {
  constructor(readonly value: string) {}
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD HH:MM:SS` (UTC), the original's Excel-friendly datetime. */
function formatDateTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${
    pad(d.getUTCHours())
  }:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Python's `Decimal.normalize()` then `:f`: no exponent, no trailing zeros. */
function normaliseDecimal(value: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) return value;
  const whole = m[2].replace(/^0+(?=\d)/, "") || "0";
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  const sign = m[1] === "-" && (whole !== "0" || fraction) ? "-" : "";
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

const DANGEROUS_START = new Set(["@", "+", "-", "=", "|", "%"]);

/**
 * Guards against CSV injection (OWASP): a value that is not a number and starts with
 * `@ + - = | %` gets a `'` prefix, and its `|` are escaped.
 */
export function escapeCsvInjection(value: string): string {
  if (!value || !DANGEROUS_START.has(value[0]) || /^-?[0-9,.]+$/.test(value)) return value;
  return `'${value.replaceAll("|", "\\|")}`;
}

/** One cell as the original writes it. */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return formatDateTime(value);
  if (value instanceof Decimal) return normaliseDecimal(value.value);
  if (typeof value === "boolean") return value ? "True" : "False";
  return escapeCsvInjection(String(value));
}

/** A CSV record with Python's minimal quoting and `\r\n`. */
export function csvLine(cells: string[]): string {
  return `${
    cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",")
  }\r\n`;
}

/** `Data Hub - <Plural> - YYYY-MM-DD-HH-MM-SS.csv` for an export made at `now` (UTC). */
export function csvFilename(plural: string, now: Date): string {
  const stamp = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}-${
    pad(now.getUTCHours())
  }-${pad(now.getUTCMinutes())}-${pad(now.getUTCSeconds())}`;
  return `Data Hub - ${plural} - ${stamp}.csv`;
}

/**
 * A streamed CSV response: BOM, the title row of `columns` (key → title), then one
 * line per row (at most {@link EXPORT_MAX_ROWS}). `onError` hears a mid-stream failure.
 */
export function csvResponse(
  rows: AsyncIterable<CsvRow> | Iterable<CsvRow>,
  columns: Record<string, string>,
  options: { filename: string; onError?: (error: unknown) => void },
): Response {
  const keys = Object.keys(columns);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new Uint8Array([0xef, 0xbb, 0xbf]));
      controller.enqueue(encoder.encode(csvLine(keys.map((k) => columns[k]))));
      let written = 0;
      try {
        for await (const row of rows) {
          if (written++ >= EXPORT_MAX_ROWS) break;
          controller.enqueue(encoder.encode(csvLine(keys.map((k) => csvValue(row[k])))));
        }
      } catch (error) {
        controller.enqueue(encoder.encode(INCOMPLETE_CSV_MESSAGE));
        options.onError?.(error);
      }
      controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": CSV_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${options.filename}"`,
    },
  });
}
