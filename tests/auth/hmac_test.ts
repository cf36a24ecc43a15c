import assert from "node:assert/strict";
import { HmacSha256 } from "../../src/auth/hmac.ts";

const encoder = new TextEncoder();

async function webCryptoMac(key: Uint8Array<ArrayBuffer>, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

Deno.test("HMAC-SHA256 in JS: RFC 4231 test case 2", () => {
  const mac = new HmacSha256(encoder.encode("Jefe")).sign("what do ya want for nothing?");
  assert.equal(
    Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join(""),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
});

Deno.test("HMAC-SHA256 in JS equals Web Crypto's for every padding case and key size", async () => {
  // Message lengths across one to four blocks (each padding boundary), non-ASCII text,
  // keys shorter than, equal to and longer than a block (hashed first).
  const keys = [1, 32, 63, 64, 65, 200].map((n) => crypto.getRandomValues(new Uint8Array(n)));
  const messages = [
    ...Array.from({ length: 200 }, (_, n) => "x".repeat(n)),
    "hawk.1.header\n1353832234\nj4h3g2\nGET\n/v4/metadata/country?a=é\nexample.com\n8000\n\n\n",
    "€".repeat(70),
  ];
  for (const key of keys) {
    const hmac = new HmacSha256(key);
    for (const message of messages) {
      assert.deepEqual(hmac.sign(message), await webCryptoMac(key, message));
    }
  }
});
