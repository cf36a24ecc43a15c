/**
 * A real S3-protocol server for tests: s3rver in this process on 127.0.0.1 (an ephemeral
 * port, files in a temporary directory), with the buckets created. `env` points the
 * API's storage at it through the original's variables.
 */
import S3rver from "s3rver";
import { CreateBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";

export interface TestS3 {
  env: Record<string, string>;
  endpoint: string;
  client: S3Client;
  /** Whether `bucket` holds `key`. */
  exists(bucket: string, key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** s3rver's fixed credentials. */
const KEY = "S3RVER";

export async function startS3(buckets: string[]): Promise<TestS3> {
  const directory = await Deno.makeTempDir({ prefix: "s3rver-" });
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: "eu-west-2",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: KEY, secretAccessKey: KEY },
  });
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    env: {
      S3_LOCAL_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: KEY,
      AWS_DEFAULT_REGION: "eu-west-2",
    },
    async exists(bucket, key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === "NotFound") return false;
        throw error;
      }
    },
    async close() {
      client.destroy();
      await server.close();
      await Deno.remove(directory, { recursive: true });
    },
  };
}
