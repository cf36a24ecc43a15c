import assert from "node:assert/strict";
import {
  csvFilename,
  csvLine,
  csvResponse,
  csvValue,
  Decimal,
  EXPORT_MAX_ROWS,
  INCOMPLETE_CSV_MESSAGE,
} from "../../src/search/csv.ts";

/** The body with its BOM kept (`Response.text()` drops it). */
const raw = async (res: Response) =>
  new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());

Deno.test("CSV export machinery", async (t) => {
  await t.step("values: datetimes, decimals, booleans, nulls", () => {
    assert.equal(csvValue(new Date("2024-05-06T07:08:09.123Z")), "2024-05-06 07:08:09");
    assert.equal(csvValue(new Decimal("1500.2500")), "1500.25");
    assert.equal(csvValue(new Decimal("100.000")), "100");
    assert.equal(csvValue(new Decimal("-0.0")), "0");
    assert.equal(csvValue(true), "True");
    assert.equal(csvValue(null), "");
    assert.equal(csvValue(undefined), "");
    assert.equal(csvValue(12), "12");
  });
  await t.step("the CSV-injection guard", () => {
    assert.equal(csvValue("=SUM(A1:A2)"), "'=SUM(A1:A2)");
    assert.equal(csvValue("@cmd|x"), "'@cmd\\|x");
    assert.equal(csvValue("+44 20"), "'+44 20");
    assert.equal(csvValue("%x"), "'%x");
    assert.equal(csvValue("-1,000.5"), "-1,000.5");
    assert.equal(csvValue("a|b"), "a|b");
    assert.equal(csvValue(""), "");
  });
  await t.step("minimal quoting and CRLF, as Python's csv module", () => {
    assert.equal(csvLine(["a", "b,c", 'say "hi"', "x\ny"]), 'a,"b,c","say ""hi""","x\ny"\r\n');
  });
  await t.step("file name", () => {
    assert.equal(
      csvFilename("Companies", new Date("2024-01-02T03:04:05Z")),
      "Data Hub - Companies - 2024-01-02-03-04-05.csv",
    );
  });
  await t.step("response: BOM, titles, at most 5,000 rows, headers", async () => {
    const rows = Array.from({ length: EXPORT_MAX_ROWS + 5 }, (_, i) => ({ n: i }));
    const res = csvResponse(rows, { n: "Number" }, { filename: "f.csv" });
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(res.headers.get("content-disposition"), 'attachment; filename="f.csv"');
    const text = await raw(res);
    assert.ok(text.startsWith("\ufeffNumber\r\n0\r\n"));
    assert.equal(text.trim().split("\r\n").length, 1 + EXPORT_MAX_ROWS);
  });
  await t.step("a failure mid-stream appends the incomplete notice", async () => {
    const errors: unknown[] = [];
    async function* rows() {
      yield { n: 1 };
      throw new Error("boom");
    }
    const res = csvResponse(rows(), { n: "N" }, {
      filename: "f.csv",
      onError: (e) => errors.push(e),
    });
    assert.equal(await raw(res), `\ufeffN\r\n1\r\n${INCOMPLETE_CSV_MESSAGE}`);
    assert.equal(errors.length, 1);
  });
});
