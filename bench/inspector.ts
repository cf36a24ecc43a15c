/**
 * The V8 inspector of a Deno process started with `--inspect=127.0.0.1:<port>`, as much
 * of it as the reliability run needs: the heap in use after a full collection, to tell
 * retained memory from garbage not yet collected and from memory outside the JS heap.
 */
// deno-lint-ignore-file no-explicit-any -- CDP messages are untyped JSON
export async function inspector(port: number) {
  let targets: { webSocketDebuggerUrl: string }[] = [];
  for (let i = 0; i < 600 && !targets.length; i++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const waiting = new Map<number, (message: any) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  };
  const send = (method: string, params: unknown = {}) =>
    new Promise<any>((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    /** `Deno.memoryUsage()` right after a full garbage collection. */
    async memoryAfterGc(): Promise<Deno.MemoryUsage> {
      await send("HeapProfiler.collectGarbage");
      const answer = await send("Runtime.evaluate", {
        expression: "JSON.stringify(Deno.memoryUsage())",
        returnByValue: true,
      });
      return JSON.parse(answer.result.result.value);
    },
    /** `Deno.memoryUsage()` as it is (no collection first). */
    async memoryNow(): Promise<Deno.MemoryUsage> {
      const answer = await send("Runtime.evaluate", {
        expression: "JSON.stringify(Deno.memoryUsage())",
        returnByValue: true,
      });
      return JSON.parse(answer.result.result.value);
    },
    /** Starts the V8 CPU profiler (sampling every `intervalUs`). */
    async startProfile(intervalUs = 200): Promise<void> {
      await send("Profiler.enable");
      await send("Profiler.setSamplingInterval", { interval: intervalUs });
      await send("Profiler.start");
    },
    /** Stops the profiler: the CDP profile (nodes, samples, time deltas). */
    async stopProfile(): Promise<any> {
      return (await send("Profiler.stop")).result.profile;
    },
    close: () => ws.close(),
  };
}
