/**
 * A stand-in for the antivirus service (dit-clamav-rest's `POST /v2/scan`): it takes the
 * multipart field `file`, checks HTTP Basic credentials, and answers as told — clean,
 * infected, a 500, or never (until the client gives up, for timeouts).
 */
export type AntivirusMode = "clean" | "infected" | "error" | "hang";

export interface ScanRequest {
  authorization: string | null;
  fileName: string | null;
  contentType: string | null;
  content: string;
}

export interface TestAntivirus {
  /** AV_V2_SERVICE_URL, with the credentials in it as deployments set them. */
  url: string;
  mode: AntivirusMode;
  requests: ScanRequest[];
  close(): Promise<void>;
}

export function startAntivirus(mode: AntivirusMode = "clean"): TestAntivirus {
  // Hanging replies end when the stand-in closes (the client has given up by then).
  const closing = Promise.withResolvers<void>();
  const av: TestAntivirus = {
    url: "",
    mode,
    requests: [],
    close: () => {
      closing.resolve();
      return server.shutdown();
    },
  };
  const expected = `Basic ${btoa("av-user:av-secret")}`;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (req.headers.get("authorization") !== expected) {
      return new Response("Unauthorized", { status: 401 });
    }
    const form = await req.formData();
    const file = form.get("file");
    av.requests.push({
      authorization: req.headers.get("authorization"),
      fileName: file instanceof File ? file.name : null,
      contentType: file instanceof File ? file.type : null,
      content: file instanceof File ? await file.text() : "",
    });
    switch (av.mode) {
      case "clean":
        return Response.json({ malware: false });
      case "infected":
        return Response.json({ malware: true, reason: "Eicar-Test-Signature" });
      case "error":
        return new Response("Internal Server Error", { status: 500 });
      case "hang":
        await closing.promise;
        return new Response(null, { status: 499 });
    }
  });
  av.url = `http://av-user:av-secret@127.0.0.1:${server.addr.port}/v2/scan`;
  return av;
}
