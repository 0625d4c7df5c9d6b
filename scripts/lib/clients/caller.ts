// Who runs a clients command, for the audit trail: the caller's ARN from STS GetCallerIdentity, or `local` for the file store.
import type { Target } from './model';
import { regionFromEnv } from './target';

/** The actor of every change made with `--local`: the file store has no identities. */
export const LOCAL_ACTOR = 'local';

/**
 * Names the caller. For a table it asks STS GetCallerIdentity, which "Returns details about the
 * IAM user or role whose credentials are used to call the operation" and needs no permission
 * ("No permissions are required to perform this operation", AWS STS API Reference,
 * GetCallerIdentity, https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html),
 * so every operator who can write the table can be named. For an assumed role the ARN names the
 * session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), which with IAM Identity
 * Center is the person's user name. The SDK reads credentials, region and `AWS_ENDPOINT_URL`
 * from the standard environment, like the DynamoDB client.
 * @param target where the command writes
 * @param env environment (for the region fallback)
 * @returns the ARN, or `local`
 * @throws Error naming STS when the caller cannot be named (the command then writes nothing)
 */
export async function identifyCaller(
  target: Target,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (target.kind === 'local') return LOCAL_ACTOR;
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const region = regionFromEnv(env);
  const sts = new STSClient(region !== undefined ? { region } : {});
  let arn: string | undefined;
  try {
    arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } catch (err) {
    throw new Error(
      'could not name the caller for the audit trail (STS GetCallerIdentity); nothing was changed',
      { cause: err },
    );
  }
  if (arn === undefined || arn === '') {
    throw new Error('STS GetCallerIdentity returned no ARN; nothing was changed');
  }
  return arn;
}
