/**
 * The process-level guard against postgres.js's own leftovers: a destroyed connection's
 * rejection is swallowed, any other unhandled rejection is left to end the process.
 */
import assert from "node:assert/strict";
import { guardDriverCrash } from "../../src/db/pool.ts";

function rejection(reason: unknown): PromiseRejectionEvent {
  const promise = Promise.reject(reason);
  promise.catch(() => {}); // the event below stands in for the runtime's report
  return new PromiseRejectionEvent("unhandledrejection", { promise, reason, cancelable: true });
}

Deno.test("driver guard: CONNECTION_DESTROYED from a terminated connection only", () => {
  const warned: string[] = [];
  guardDriverCrash({ warn: (message: string) => warned.push(message) } as never);
  const destroyed = Object.assign(new Error("write CONNECTION_DESTROYED 127.0.0.1:5432"), {
    code: "CONNECTION_DESTROYED",
  });
  destroyed.stack = `Error: write CONNECTION_DESTROYED 127.0.0.1:5432
    at Object.terminate (file:///app/node_modules/.deno/postgres@3.4.9/node_modules/postgres/src/connection.js:425:20)`;
  const swallowed = rejection(destroyed);
  globalThis.dispatchEvent(swallowed);
  assert.equal(swallowed.defaultPrevented, true);
  assert.equal(warned.length, 1);

  const other = rejection(new Error("something else"));
  globalThis.dispatchEvent(other);
  assert.equal(other.defaultPrevented, false);
});
