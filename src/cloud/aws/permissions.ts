/** Everything `nhiscan aws` calls: read-only, printed by `nhiscan aws --print-policy`. */
export const READ_ONLY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'NhiscanInventory',
      Effect: 'Allow',
      Action: [
        'sts:GetCallerIdentity',
        'iam:GetAccountAuthorizationDetails',
        'iam:GenerateCredentialReport',
        'iam:GetCredentialReport',
        'iam:ListAccessKeys',
        'iam:GetAccessKeyLastUsed',
        'secretsmanager:ListSecrets',
        'secretsmanager:GetResourcePolicy',
        'account:ListRegions',
      ],
      Resource: '*',
    },
  ],
};
