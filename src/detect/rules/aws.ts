// Amazon Web Services: IAM access keys and secrets, STS session tokens, Bedrock API keys, MWS tokens.
import { defineRules } from '../rule.js';
import { validateAwsKeyId } from '../validators/aws.js';
import { validateBedrockKey } from '../validators/structured.js';
import { AWS_KEY_FIX } from '../fix-hints.js';

const REVOKE = AWS_KEY_FIX;

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
        { text: 'aws_access_key_id = AKIABZPUZDIKNLJ3KMQQ', secret: 'AKIABZPUZDIKNLJ3KMQQ' },
        { text: 'export AWS_ACCESS_KEY_ID="ASIADCH6YDSYVJS5QQPG"', secret: 'ASIADCH6YDSYVJS5QQPG' },
        { text: '{"AccessKeyId": "AKIABTX3GSDSXDJAH3GE"}', secret: 'AKIABTX3GSDSXDJAH3GE' },
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
    keywords: ['aws_secret', 'awssecret', 'secret_access', 'secretaccess', 'aws secret', 'secret-access-key'],
    pattern:
      /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|secretaccesskey|aws secret access key|secret-access-key)["']?\s{0,4}(?:[:=]|=>|:=)\s{0,4}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/i,
    minEntropy: 4.0,
    revoke: REVOKE,
    examples: {
      positive: [
        { text: 'aws_secret_access_key = d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1', secret: 'd5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1' },
        { text: 'AWS_SECRET_ACCESS_KEY="z2vaYIEHhYlb0eaq2uwN7UEqk1Znita4Mva6vq36"', secret: 'z2vaYIEHhYlb0eaq2uwN7UEqk1Znita4Mva6vq36' },
        { text: '"SecretAccessKey": "d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1"', secret: 'd5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1' },
      ],
      negative: [
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
        'checksum = d5ZI2HXHtdCO6oArs0cvXK8cennj9HYz/BFktdo1',
        'aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      ],
    },
  },
  {
    id: 'aws-session-token',
    title: 'AWS session token',
    severity: 'high',
    provider: 'aws',
    keywords: ['aws_session', 'awssession', 'aws-session-token', 'sessiontoken', 'aws_security', 'awssecurity'],
    pattern: /(?:aws_?session_?token|aws-session-token|sessiontoken|aws_?security_?token)["']?\s{0,4}(?:[:=]|=>)\s{0,4}["']?(?<secret>[A-Za-z0-9\/+=]{100,2048})(?![A-Za-z0-9\/+=])/i,
    minEntropy: 4.0,
    revoke: 'Temporary credentials expire on their own; to cut them short, run nhiscan revoke role-sessions ROLE for the issuing role.',
    examples: {
      positive: [
        { text: 'aws_session_token = IQoJb3JpZ2luX2VjEvBi7MBgeCeiprcJAmrx4f99aLbxxGT9iJZ4AtNS38aYI8YVmMOHT9+iVyt423PXwAnlGQ5qHXQ2c/XGXOGI7yrsMRm/12gj6w3XGB/JQRbHmPSpmB/KzuCXi8kruEpfDEk9ZWnMgghMz3Bkmr2noD6FdF54naCpP0JEjplpWmM/z2bcYRp6V9jyydFCd8JbrbfxaBP3Ei+jAb79nYxWyxtltpM/Hz7zNlBwsTCn/x1PU4ImyH0KOXy9rLM7Yj/QxHf/4QCYbADEG6hzczZNtfmyYBW4FJHzxCK2ovIWVzz21', secret: 'IQoJb3JpZ2luX2VjEvBi7MBgeCeiprcJAmrx4f99aLbxxGT9iJZ4AtNS38aYI8YVmMOHT9+iVyt423PXwAnlGQ5qHXQ2c/XGXOGI7yrsMRm/12gj6w3XGB/JQRbHmPSpmB/KzuCXi8kruEpfDEk9ZWnMgghMz3Bkmr2noD6FdF54naCpP0JEjplpWmM/z2bcYRp6V9jyydFCd8JbrbfxaBP3Ei+jAb79nYxWyxtltpM/Hz7zNlBwsTCn/x1PU4ImyH0KOXy9rLM7Yj/QxHf/4QCYbADEG6hzczZNtfmyYBW4FJHzxCK2ovIWVzz21' },
        { text: '"SessionToken": "FwoGZXIvYXdzEUDiF+CT5z/9iAmfqTWY0F4cEUIeqv7/xBRgG5U3P9lZPcFDr5oShOHGF6fC+KrpzArL3Av5sDWdLDs0xQXrNNlW9w3gHhuNaMn2VDrPw8ghBKjoaTtXZtLZlQIb5zfKDBSC9PdapddXbVH8SL/VnlaAgfzp8WRewX4RMkCjEuTGYeZgcdwes2wXhmGczV+UjF3tY484J6hSaWnFe51UbhtZu+1urR2IftVoTO9yHyze1vYDikbl1WhaYPlwC+8QwuRkj2Qbf79Bg8O7QQYvfz5ep3wq3S9qhO8ieinzOaSLhBqZLYgrEKTRRpnzNWuab"', secret: 'FwoGZXIvYXdzEUDiF+CT5z/9iAmfqTWY0F4cEUIeqv7/xBRgG5U3P9lZPcFDr5oShOHGF6fC+KrpzArL3Av5sDWdLDs0xQXrNNlW9w3gHhuNaMn2VDrPw8ghBKjoaTtXZtLZlQIb5zfKDBSC9PdapddXbVH8SL/VnlaAgfzp8WRewX4RMkCjEuTGYeZgcdwes2wXhmGczV+UjF3tY484J6hSaWnFe51UbhtZu+1urR2IftVoTO9yHyze1vYDikbl1WhaYPlwC+8QwuRkj2Qbf79Bg8O7QQYvfz5ep3wq3S9qhO8ieinzOaSLhBqZLYgrEKTRRpnzNWuab' },
      ],
      negative: ['aws_session_token = ${AWS_SESSION_TOKEN}', 'aws_session_token = short+token/value'],
    },
  },
  {
    id: 'aws-bedrock-api-key',
    title: 'Amazon Bedrock long-term API key',
    severity: 'critical',
    provider: 'aws',
    keywords: ['absk'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ABSK[A-Za-z0-9+\/]{100,200}={0,2})(?![A-Za-z0-9+\/=])/,
    minEntropy: 4.0,
    validate: validateBedrockKey,
    revoke: 'Delete the key in the IAM console (Bedrock API keys are IAM service-specific credentials) or run nhiscan revoke.',
    examples: {
      positive: [
        { text: 'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS1zM24zeG5jNi1hdC04MDA0MjE2NjI5Njk6blRXemVPdWpuZ3N0cFVncHVkbWZUVVlhV3NmNWJtNU5nc3c2eEtveE80cnE5VXU1bXNLTFhueUtxaTM2', secret: 'ABSKQmVkcm9ja0FQSUtleS1zM24zeG5jNi1hdC04MDA0MjE2NjI5Njk6blRXemVPdWpuZ3N0cFVncHVkbWZUVVlhV3NmNWJtNU5nc3c2eEtveE80cnE5VXU1bXNLTFhueUtxaTM2' },
        { text: 'bedrock_key: "ABSKQmVkcm9ja0FQSUtleS00bGFiaWJ3bi1hdC05ODM2OTYxNTE0Mzc6YnJmalFuUW1qcnpQenpUT0RaUnVBYmx1dUFkOUgxV1IxTUJZSHhqMm1JWVVrbmtrZElWckN3amVOSWhB"', secret: 'ABSKQmVkcm9ja0FQSUtleS00bGFiaWJ3bi1hdC05ODM2OTYxNTE0Mzc6YnJmalFuUW1qcnpQenpUT0RaUnVBYmx1dUFkOUgxV1IxTUJZSHhqMm1JWVVrbmtrZElWckN3amVOSWhB' },
      ],
      negative: [
        'AWS_BEARER_TOKEN_BEDROCK=ABSKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'ABSK keys are Bedrock API keys',
        // near miss: embedded in a longer token
        'bedrock_key: "ZqABSKQmVkcm9ja0FQSUtleS00bGFiaWJ3bi1hdC05ODM2OTYxNTE0Mzc6YnJmalFuUW1qcnpQenpUT0RaUnVBYmx1dUFkOUgxV1IxTUJZSHhqMm1JWVVrbmtrZElWckN3amVOSWhB"',
      ],
    },
  },
  {
    id: 'aws-bedrock-short-term-key',
    title: 'Amazon Bedrock short-term API key',
    severity: 'high',
    provider: 'aws',
    keywords: ['bedrock-api-key-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>bedrock-api-key-[A-Za-z0-9+\/]{100,2000}={0,2})(?![A-Za-z0-9+\/=])/,
    minEntropy: 4.0,
    revoke: 'Short-term Bedrock keys expire with the session that minted them; revoke that role session.',
    examples: {
      positive: [
        { text: 'AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-GJLSqfHFedBnmhMEn7wxxD/b7Cu4cJEL6vAR3NdTbhPTuCgJSv3IGwsZBoYQHWPCqIZ92nlyeCwI+Q1RuOyHK68VIyzeEpUAwCyc87jQwlh+dWBF3PsNafa4CCex8vSgT8XIONIAuxcIeNb08fDvqKpBgOJoogtkb+Vbsb+GiiYEUo3pQ1h2xkDh44xpkpbthxOEDh8J+U2c13TXM6P3AdW3nUq7aFObMJ4WiTkPJ3V/oubfxlJktT/s7fcBjgg35T0itw15Ka61GYQ0M0B8E9Znp8Q9Un1kI44F1HK48xXYJeCHLtQhdhsVQM0lFp1HUa0vi6Os0Mh4gOYyc9yoSXdRSLz2jWs+9fb9qZ2cXS1Y3wlAyUrS5KvQ2qVzStmqh7jBvKOsK3o+D3Bc', secret: 'bedrock-api-key-GJLSqfHFedBnmhMEn7wxxD/b7Cu4cJEL6vAR3NdTbhPTuCgJSv3IGwsZBoYQHWPCqIZ92nlyeCwI+Q1RuOyHK68VIyzeEpUAwCyc87jQwlh+dWBF3PsNafa4CCex8vSgT8XIONIAuxcIeNb08fDvqKpBgOJoogtkb+Vbsb+GiiYEUo3pQ1h2xkDh44xpkpbthxOEDh8J+U2c13TXM6P3AdW3nUq7aFObMJ4WiTkPJ3V/oubfxlJktT/s7fcBjgg35T0itw15Ka61GYQ0M0B8E9Znp8Q9Un1kI44F1HK48xXYJeCHLtQhdhsVQM0lFp1HUa0vi6Os0Mh4gOYyc9yoSXdRSLz2jWs+9fb9qZ2cXS1Y3wlAyUrS5KvQ2qVzStmqh7jBvKOsK3o+D3Bc' },
        { text: '"bedrock-api-key-bCuRxaVwblSwetjUEsJG5B9uBBuAVnSprIO+vpPYj19IsiSXSxg+0Lo9l8hBpkjj4acNOpwFtDSi7ev3QGkMokUwMiYrCYrElDX48Krv7NfzV43lxr6pO+QNuLFZTJkQls4VutvPJc5NLvXaVmk7gj1FACakr6Y6TztfqubmmcMKYAfLIjCwZxAZbkM+2dg4TLk9iztVNSZSNVqd/zghW1QZCShYAv40mfoKnfByikUDiVFYXZiM0kogqnjHr5nvHQfhclj21A5kPjHhxUqNEAX2MZbAUgR731lr5GevmaSie6MR6Tyt/awz/XnjYsZ21aLTBgN6CkFhdj9tp6s/s2HTzxa+tbdlsAKELd/dic2uEI2YVlZU5E47lVdB"', secret: 'bedrock-api-key-bCuRxaVwblSwetjUEsJG5B9uBBuAVnSprIO+vpPYj19IsiSXSxg+0Lo9l8hBpkjj4acNOpwFtDSi7ev3QGkMokUwMiYrCYrElDX48Krv7NfzV43lxr6pO+QNuLFZTJkQls4VutvPJc5NLvXaVmk7gj1FACakr6Y6TztfqubmmcMKYAfLIjCwZxAZbkM+2dg4TLk9iztVNSZSNVqd/zghW1QZCShYAv40mfoKnfByikUDiVFYXZiM0kogqnjHr5nvHQfhclj21A5kPjHhxUqNEAX2MZbAUgR731lr5GevmaSie6MR6Tyt/awz/XnjYsZ21aLTBgN6CkFhdj9tp6s/s2HTzxa+tbdlsAKELd/dic2uEI2YVlZU5E47lVdB' },
      ],
      negative: ['AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'bedrock-api-key-YOUR_KEY'],
    },
  },
  {
    id: 'aws-mws-auth-token',
    title: 'Amazon MWS auth token',
    severity: 'high',
    provider: 'aws',
    keywords: ['amzn.mws.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke the developer authorization in Seller Central.',
    examples: {
      positive: [
        { text: 'KEY=amzn.mws.8aa8e872-f2fa-4d0b-ae05-ee07d0959028', secret: 'amzn.mws.8aa8e872-f2fa-4d0b-ae05-ee07d0959028' },
        { text: 'token: "amzn.mws.f8d002be-c33e-48bb-a385-44c8ee3879a2"', secret: 'amzn.mws.f8d002be-c33e-48bb-a385-44c8ee3879a2' },
      ],
      negative: [
        'KEY=amzn.mws.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'amzn.mws. is the prefix of Amazon MWS auth token values',
        // near miss: one character short
        'KEY=amzn.mws.8aa8e872-f2fa-4d0b-ae05-ee07d095902',
      ],
    },
  },
]);
