// Uploads a packaged release to S3 under versioned keys: create-only writes with SHA-256 checksums, idempotent reruns.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MANIFEST_FILE, SUMS_FILE, readRelease } from '../build/release-package';

/** A failure the operator can fix (bucket, credentials, a different object under a key). */
export class PublishError extends Error {
  override name = 'PublishError';
}

/** What happened to one file. */
export interface PublishedObject {
  file: string;
  key: string;
  /** `uploaded` now, or `unchanged`: the same bytes were already there. */
  status: 'uploaded' | 'unchanged';
}

/** Result of one publish run. */
export interface PublishResult {
  version: string;
  bucket: string;
  /** `<prefix>/<version>`: the `key_prefix` of the modules' `artifacts_s3` input. */
  keyPrefix: string;
  objects: PublishedObject[];
}

const status = (err: unknown): number | undefined =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * Turns SDK errors into messages naming the bucket (and key), without request internals.
 * @param err error from the SDK
 * @param bucket bucket name
 * @param key object key, when the call was about one
 * @returns the error to throw
 */
function explain(err: unknown, bucket: string, key?: string): Error {
  const name = (err as Error).name;
  const where = key ? `s3://${bucket}/${key}` : `bucket ${bucket}`;
  if (name === 'CredentialsProviderError' || /credential/i.test((err as Error).message)) {
    return new PublishError(
      'no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  if (/region is missing|region not accepted/i.test((err as Error).message)) {
    return new PublishError("no AWS region: set AWS_REGION to the bucket's region");
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken'].includes(name)) {
    return new PublishError(`the AWS credentials were refused (${name}) for ${where}`);
  }
  if (status(err) === 403) {
    // Without s3:ListBucket, HeadObject answers 403 (not 404) for a missing key ("HeadObject",
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
    return new PublishError(
      `access denied to ${where}: the credentials need s3:ListBucket on the bucket and s3:GetObject and s3:PutObject on the keys`,
    );
  }
  if (status(err) === 301 || name === 'PermanentRedirect') {
    return new PublishError(`${where} is in another region: set AWS_REGION to the bucket's region`);
  }
  return new PublishError(`${where}: ${name}: ${(err as Error).message}`);
}

/**
 * Content type of a release file; the manifest must be application/json, because the Terraform
 * data source `aws_s3_object` returns `body` only for text/* and application/json objects.
 * @param file file name
 * @returns the content type
 */
function contentType(file: string): string {
  if (file.endsWith('.json')) return 'application/json';
  if (file.endsWith('.zip')) return 'application/zip';
  return 'text/plain; charset=utf-8';
}

/**
 * The stored SHA-256 checksum of an object, or undefined when there is no object.
 * @param s3 client
 * @param bucket bucket
 * @param key key
 * @returns base64 SHA-256 ('' when the object has none), or undefined when absent
 */
async function storedChecksum(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  try {
    // ChecksumMode ENABLED returns the checksum stored at upload; without it S3 omits it.
    // "Checking object integrity in Amazon S3", https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }),
    );
    return head.ChecksumSHA256 ?? '';
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw explain(err, bucket, key);
  }
}

/**
 * Uploads the release in `dir` to `s3://<bucket>/<prefix>/<version>/<file>`: the zips first,
 * then SHA256SUMS, then manifest.json, so a manifest is never visible before its zips.
 * Each upload carries its SHA-256 (S3 rejects bytes that do not match it, and stores it for the
 * module's plan-time check) and `If-None-Match: *`, so an object under the same key is never
 * replaced. An existing object with the same SHA-256 counts as done; any other is an error,
 * found before anything is written.
 * @param options.s3 S3 client
 * @param options.dir directory written by `npm run package`
 * @param options.bucket bucket name
 * @param options.prefix key prefix before the version (no leading or trailing slash)
 * @param options.log progress output
 * @returns what was uploaded or already there
 */
export async function publishRelease(options: {
  s3: S3Client;
  dir: string;
  bucket: string;
  prefix: string;
  log: (line: string) => void;
}): Promise<PublishResult> {
  const { s3, dir, bucket, prefix, log } = options;
  const manifest = readRelease(dir);
  const keyPrefix = prefix ? `${prefix}/${manifest.version}` : manifest.version;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (status(err) === 404)
      throw new PublishError(
        `bucket ${bucket} does not exist (or is not visible to these credentials)`,
      );
    throw explain(err, bucket);
  }
  const files = [...manifest.artifacts.map((a) => a.file).sort(), SUMS_FILE, MANIFEST_FILE];
  const planned = files.map((file) => {
    const body = fs.readFileSync(path.join(dir, file));
    return {
      file,
      body,
      key: `${keyPrefix}/${file}`,
      checksum: createHash('sha256').update(body).digest('base64'),
    };
  });
  const refuse = (key: string, file: string, checksum: string, stored: string): PublishError =>
    new PublishError(
      `refusing to overwrite s3://${bucket}/${key}: it holds ${
        stored ? `other bytes (SHA-256 ${stored})` : 'an object without a SHA-256 checksum'
      }, not ${file} (SHA-256 ${checksum}). Publish a new version instead.`,
    );
  // Every key is checked before anything is written, so a conflict leaves the bucket as it was.
  const stored = new Map<string, string | undefined>();
  for (const { file, key, checksum } of planned) {
    const found = await storedChecksum(s3, bucket, key);
    if (found !== undefined && found !== checksum) throw refuse(key, file, checksum, found);
    stored.set(key, found);
  }
  const objects: PublishedObject[] = [];
  for (const [index, { file, body, key, checksum }] of planned.entries()) {
    const step = `[${index + 1}/${planned.length}] s3://${bucket}/${key}`;
    if (stored.get(key) === undefined) {
      log(`${step}: uploading ${body.byteLength} bytes`);
      try {
        // If-None-Match: * makes the write create-only: S3 answers 412 when the key exists.
        // "How to prevent object overwrites with conditional writes", https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType(file),
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: checksum,
            IfNoneMatch: '*',
          }),
        );
        objects.push({ file, key, status: 'uploaded' });
        continue;
      } catch (err) {
        // 412: another run created it since the check; 409: a concurrent conditional write.
        if (status(err) !== 412 && status(err) !== 409) throw explain(err, bucket, key);
        const now = await storedChecksum(s3, bucket, key);
        if (now !== checksum) throw refuse(key, file, checksum, now ?? '');
      }
    }
    log(`${step}: unchanged (same SHA-256)`);
    objects.push({ file, key, status: 'unchanged' });
  }
  return { version: manifest.version, bucket, keyPrefix, objects };
}
