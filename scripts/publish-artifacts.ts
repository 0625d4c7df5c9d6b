// `npm run publish-artifacts`: uploads a release from `npm run package` to S3 for the modules' artifacts_s3 input.
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { EXIT } from '../tools/cli/exit-codes';
import { parseStrictFlags } from '../tools/cli/strict-flags';
import { UsageError } from '../tools/cli/usage-error';
import { PublishError, publishRelease } from './lib/publish/publish-release';

const USAGE = `Usage: npm run publish-artifacts -- --bucket NAME [--prefix PREFIX] [--dir DIR]

  --bucket  S3 bucket, in the region of the Lambda functions (AWS_REGION)
  --prefix  key prefix before the version (default apigw-m2m-auth): objects go to
            <prefix>/<version>/<file>
  --dir     the release from \`npm run package\` (default dist/release)

Objects are never overwritten: a rerun skips what is already there with the same SHA-256 and
fails on a different object under the same key. Credentials and region come from the usual AWS
settings (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_REGION, AWS_ENDPOINT_URL_S3).`;

/** S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens. */
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

async function main(argv: string[]): Promise<void> {
  const { values } = parseStrictFlags(argv, {
    bucket: { type: 'string' },
    prefix: { type: 'string', default: 'apigw-m2m-auth' },
    dir: { type: 'string', default: path.join('dist', 'release') },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.bucket) throw new UsageError('--bucket is required');
  if (!BUCKET_PATTERN.test(values.bucket)) {
    throw new UsageError(`--bucket must be an S3 bucket name (got "${values.bucket}")`);
  }
  const prefix = values.prefix ?? '';
  if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
    throw new UsageError(`--prefix must not start or end with "/" (got "${prefix}")`);
  }
  if (!values.dir) throw new UsageError('--dir must not be empty');
  // Custom endpoints (moto_server, MinIO) usually serve path-style URLs only.
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const s3 = new S3Client({ forcePathStyle: Boolean(endpoint) });
  const result = await publishRelease({
    s3,
    dir: path.resolve(values.dir),
    bucket: values.bucket,
    prefix,
    log: (line) => console.log(line),
  });
  const uploaded = result.objects.filter((o) => o.status === 'uploaded').length;
  console.log(
    `published ${result.version}: ${uploaded} uploaded, ${result.objects.length - uploaded} unchanged`,
  );
  console.log(`artifacts_s3 = { bucket = "${result.bucket}", key_prefix = "${result.keyPrefix}" }`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`publish-artifacts: ${err.message}\n\n${USAGE}`);
    process.exit(EXIT.USAGE);
  }
  const message = err instanceof PublishError ? err.message : `${(err as Error).message}`;
  console.error(`publish-artifacts failed: ${message}`);
  process.exit(EXIT.FAILURE);
});
