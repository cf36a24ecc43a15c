/**
 * HMAC-SHA256 computed synchronously in JavaScript, with the key's inner and outer
 * states precomputed once per key. A Hawk MAC signs ~100 bytes under one of a handful of
 * fixed keys: here that is two or three SHA-256 compressions of the message and one of
 * the inner digest, a few microseconds; `crypto.subtle.sign` costs an async operation
 * and a key schedule per call, which made it over a third of a Hawk request's CPU.
 */

const K = Int32Array.from([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);
const IV = Int32Array.from([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);
const w = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `offset` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number) {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15], y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  let e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

/**
 * Pads `length` message bytes already in `buffer` (from index 0) as SHA-256 does, after
 * `prefix` bytes hashed before them, and returns the padded length.
 */
function pad(buffer: Uint8Array, length: number, prefix: number): number {
  const padded = Math.ceil((length + 9) / 64) * 64;
  buffer.fill(0, length, padded);
  buffer[length] = 0x80;
  const bits = (length + prefix) * 8;
  const view = new DataView(buffer.buffer, buffer.byteOffset);
  view.setUint32(padded - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded - 4, bits >>> 0);
  return padded;
}

function writeState(state: Int32Array, into: Uint8Array) {
  const view = new DataView(into.buffer, into.byteOffset);
  for (let i = 0; i < 8; i++) view.setInt32(i * 4, state[i]);
}

/** SHA-256 of `bytes` (keys longer than a block are hashed first, as HMAC requires). */
function sha256(bytes: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  buffer.set(bytes);
  const padded = pad(buffer, bytes.length, 0);
  const state = IV.slice();
  for (let at = 0; at < padded; at += 64) compress(state, buffer, at);
  const out = new Uint8Array(32);
  writeState(state, out);
  return out;
}

const encoder = new TextEncoder();
/** The message's bytes and padding; grown when a longer message comes. */
let scratch = new Uint8Array(1024);
const outerBlock = new Uint8Array(64);

/** HMAC-SHA256 under one key: its inner and outer states computed once. */
export class HmacSha256 {
  readonly #inner = IV.slice();
  readonly #outer = IV.slice();

  constructor(key: Uint8Array) {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? sha256(key) : key);
    compress(this.#inner, block.map((b) => b ^ 0x36), 0);
    compress(this.#outer, block.map((b) => b ^ 0x5c), 0);
  }

  /** The MAC of `message` (UTF-8), as 32 bytes. */
  sign(message: string): Uint8Array {
    if (scratch.length < message.length * 3 + 72) {
      scratch = new Uint8Array(message.length * 3 + 72);
    }
    const { written } = encoder.encodeInto(message, scratch);
    const padded = pad(scratch, written, 64);
    const inner = this.#inner.slice();
    for (let at = 0; at < padded; at += 64) compress(inner, scratch, at);
    writeState(inner, outerBlock);
    pad(outerBlock, 32, 64);
    const outer = this.#outer.slice();
    compress(outer, outerBlock, 0);
    const mac = new Uint8Array(32);
    writeState(outer, mac);
    return mac;
  }
}
