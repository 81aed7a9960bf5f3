import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'

export interface LocalS3 {
  endpoint: string
  bucket: string
  /** The settings that point the API at this server's bucket. */
  env: Record<string, string>
  close(): Promise<void>
}

/**
 * A real S3-protocol server (s3rver: the S3 REST API over a directory) on 127.0.0.1 with one
 * bucket: what the API's S3 storage talks to in the tests, through the AWS SDK, as it would to
 * AWS, MinIO or R2.
 */
export async function startS3(bucket = 'newsroom-media'): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'newsroom-s3-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    bucket,
    // s3rver's fixed credentials; path-style addressing, as for MinIO.
    env: { S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_REGION: 'us-east-1' },
    async close() {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
