// Ready-to-paste code for a new access key: boto3, and the AWS CLI in a profile of its own (so
// that the developer's real AWS credentials stay as they are). Both ask for a region; any works,
// the signature covers it (README, "Access keys"). Only ids and the secret go into the code,
// never an app's name, which could break the code's quoting.

/** The region the snippets name. */
const SNIPPET_REGION = "us-east-1";

/** boto3 listing the users of `poolId` with the key. */
export function boto3AccessKeySnippet({ endpoint, accessKeyId, secret, poolId, poolNote }) {
  return [
    "import boto3",
    "",
    `idp = boto3.client("cognito-idp", endpoint_url="${endpoint}",`,
    `                   region_name="${SNIPPET_REGION}",  # any region: the signature covers it`,
    `                   aws_access_key_id="${accessKeyId}",`,
    `                   aws_secret_access_key="${secret}")`,
    `print(idp.list_users(UserPoolId="${poolId}")["Users"])${poolNote ? `  # ${poolNote}` : ""}`,
  ].join("\n");
}

/** `aws configure` into the profile "auth-return", then a call with it. */
export function cliAccessKeySnippet({ endpoint, accessKeyId, secret, poolId }) {
  return [
    `aws configure set aws_access_key_id ${accessKeyId} --profile auth-return`,
    `aws configure set aws_secret_access_key ${secret} --profile auth-return`,
    `aws configure set region ${SNIPPET_REGION} --profile auth-return`,
    `aws cognito-idp list-users --user-pool-id ${poolId} \\`,
    `  --profile auth-return --endpoint-url ${endpoint}`,
  ].join("\n");
}
