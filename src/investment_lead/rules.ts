/**
 * The original's display of an EYB lead's `hiring` and `spend` ranges
 * (datahub/core/utils.py `format_currency_range_string`): `0-9` → "Less than 10",
 * `500000-1000000` → "£500,000 to £1 million", `500+` → "More than 500"; anything that is
 * not a range of numbers becomes sentence case (`SPECIFIC_AMOUNT` → "Specific amount").
 */

class NotANumber extends Error {}

/** Python's `int(value)`, else `float(value)`, else ValueError. */
function pythonNumber(text: string): { value: number; float: boolean } {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return { value: Number(t), float: false };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { value: Number(t), float: true };
  throw new NotANumber();
}

const grouped = (value: number, decimals: number) =>
  value.toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** `format_currency`: Gov UK style money, with million and billion. */
export function formatCurrency(raw: string | number, symbol = "£"): string {
  let { value, float } = typeof raw === "number"
    ? { value: raw, float: !Number.isInteger(raw) }
    : pythonNumber(raw);
  let multiplier = "";
  if (value >= 1_000_000) {
    multiplier = " million";
    value = value / 1_000_000;
    float = true;
    if (round(value, 2) >= 1000) {
      multiplier = " billion";
      value = round(value / 1000, 2);
    }
  }
  let decimals = 0;
  if (float && round(Math.abs(value) % 1, 2) !== 0) {
    decimals = multiplier && round(Math.abs(value * 10) % 1, 1) === 0 ? 1 : 2;
  }
  return `${symbol}${grouped(value, decimals)}${multiplier}`;
}

/** `upper_snake_case_to_sentence_case(string, glue="\n")` of one string. */
const sentenceCase = (text: string) => {
  const spaced = text.replaceAll("_", " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
};

/** `format_currency_range_string(text, symbol)` with its defaults. */
export function formatCurrencyRange(text: string, symbol = "£"): string {
  try {
    let prefix = "";
    let rest = text;
    if (rest.endsWith("+")) {
      prefix = "More than ";
      rest = rest.replace(/\++$/, "");
    }
    const values: (string | number)[] = rest.split("-");
    if (values[0] === "0") {
      if (values.length < 2) throw new NotANumber();
      const upper = String(values[1]);
      if (upper.endsWith("9")) values[1] = pythonNumber(upper).value + 1;
      return `Less than ${formatCurrency(values[1], symbol)}`;
    }
    return `${prefix}${values.map((v) => formatCurrency(v, symbol)).join(" to ")}`;
  } catch (error) {
    if (error instanceof NotANumber) return sentenceCase(text);
    throw error;
  }
}
