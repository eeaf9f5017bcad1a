import { defineRules } from '../rule.js';
import { validateAwsKeyId } from '../validators/aws.js';

const REVOKE = 'nhiscan revoke access-key KEYID (deactivate), then nhiscan rotate access-key --user USER';

export const awsRules = defineRules([
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    severity: 'high',
    provider: 'aws',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    pattern: /(?<![A-Za-z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/,
    validate: validateAwsKeyId,
    revoke: REVOKE,
    examples: {
      positive: [
        'aws_access_key_id = AKIABZPUZDIKNLJ3KMQQ',
        'export AWS_ACCESS_KEY_ID="ASIADCH6YDSYVJS5QQPG"',
        '{"AccessKeyId": "AKIABTX3GSDSXDJAH3GE"}',
      ],
      negative: [
        'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
        'id = AKIABZPUZDIKNLJ3KMQQX9',
        'akiabzpuzdiknlj3kmqq lower case is not a key id',
        'AKIA1234567890123456 has digits outside base32',
      ],
    },
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    severity: 'critical',
    provider: 'aws',
    keywords: ['aws_secret', 'secret_access_key', 'secretaccesskey', 'aws secret', 'secret-access-key'],
    pattern:
      /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|secretaccesskey|aws secret access key|secret-access-key)["']?\s{0,4}(?:[:=]|=>|:=)\s{0,4}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/i,
    minEntropy: 4.0,
    revoke: REVOKE,
    examples: {
      positive: [
        'aws_secret_access_key = d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1',
        'AWS_SECRET_ACCESS_KEY="z2vaYIEHhYlb0eaq2uwN7UEqk1Znita4Mva6vq36"',
        '"SecretAccessKey": "d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1"',
      ],
      negative: [
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
        'checksum = d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1',
        'aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      ],
    },
  },
]);
