// Microsoft Azure: storage keys, SAS tokens, Entra ID client secrets, Azure DevOps tokens.
import { defineRules } from '../rule.js';

export const azureRules = defineRules([
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key',
    severity: 'critical',
    provider: 'azure',
    keywords: ['accountkey'],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+\/]{86}==)/,
    minEntropy: 4.5,
    revoke: 'Rotate the key: az storage account keys renew --account-name NAME --key key1 (then update consumers).',
    examples: {
      positive: [
        { text: 'DefaultEndpointsProtocol=https;AccountName=billingprod;AccountKey=0lbtoASUPIkYZ4knepsIl6hr6CG5jyc7zf50lSD1Pweq24ZDybHQFJS7y9aQnn+0hvNJoQv8j7NBT2To4N8Ixo==;EndpointSuffix=core.windows.net', secret: '0lbtoASUPIkYZ4knepsIl6hr6CG5jyc7zf50lSD1Pweq24ZDybHQFJS7y9aQnn+0hvNJoQv8j7NBT2To4N8Ixo==' },
        { text: '"AccountKey=U2H9xp1UalLByOmTcK4BLOMRKfE+t7kLKTTESDwSH4AIspb6vTCHJTSSfHghCql/e0lh7eqYMtQ5h7xF3yxwdc=="', secret: 'U2H9xp1UalLByOmTcK4BLOMRKfE+t7kLKTTESDwSH4AIspb6vTCHJTSSfHghCql/e0lh7eqYMtQ5h7xF3yxwdc==' },
      ],
      negative: ['AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==', 'AccountKey=<your-storage-key>'],
    },
  },
  {
    id: 'azure-storage-connection-string',
    title: 'Azure storage connection string with SAS',
    severity: 'high',
    provider: 'azure',
    keywords: ['sharedaccesssignature='],
    pattern: /SharedAccessSignature=(?<secret>sv=[0-9-]{10}&[^\s;"']{20,400}sig=[A-Za-z0-9%+\/=]{40,100})/,
    minEntropy: 3.5,
    revoke: 'Rotate the storage account key that signed the SAS, or revoke its stored access policy.',
    examples: {
      positive: [
        { text: 'BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rwdlacup&se=2026-12-31T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=qTvDBtfL54zPcb/9NGX1JuJ0xOoB+nfYiHUyUg0uGsH%3D', secret: 'sv=2022-11-02&ss=b&srt=sco&sp=rwdlacup&se=2026-12-31T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig=qTvDBtfL54zPcb/9NGX1JuJ0xOoB+nfYiHUyUg0uGsH%3D' },
        { text: '"SharedAccessSignature=sv=2021-06-08&ss=bfqt&srt=co&sp=rl&se=2027-01-01T00:00:00Z&spr=https&sig=kPSG283wjvplDArzZzPbZjGGW80IjPw4SQCFUUBk1O6%3D"', secret: 'sv=2021-06-08&ss=bfqt&srt=co&sp=rl&se=2027-01-01T00:00:00Z&spr=https&sig=kPSG283wjvplDArzZzPbZjGGW80IjPw4SQCFUUBk1O6%3D' },
      ],
      negative: ['SharedAccessSignature=sv=2022-11-02&sig=<signature>', 'SharedAccessSignature=${SAS}'],
    },
  },
  {
    id: 'azure-sas-token',
    title: 'Azure SAS token in URL',
    severity: 'high',
    provider: 'azure',
    keywords: ['sig='],
    pattern: /https:\/\/[a-z0-9-]{3,63}\.(?:blob|queue|table|file|dfs)\.core\.windows\.net\/[^\s"'?]{0,200}\?(?<secret>[^\s"'#]{0,300}sv=[0-9-]{10}[^\s"'#]{0,300}sig=[A-Za-z0-9%+\/=]{40,100})/,
    minEntropy: 3.5,
    revoke: 'Rotate the storage account key that signed the SAS, or revoke its stored access policy.',
    examples: {
      positive: [
        { text: 'url = "https://exports.blob.core.windows.net/reports/q3.csv?sp=r&st=2025-01-01T00:00:00Z&se=2027-01-01T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=OTLNMZ0+I04tVVEN1JWgFXuKGjdLr5CA0FmAsmI2kOG%3D"', secret: 'sp=r&st=2025-01-01T00:00:00Z&se=2027-01-01T00:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=OTLNMZ0+I04tVVEN1JWgFXuKGjdLr5CA0FmAsmI2kOG%3D' },
        { text: 'curl "https://backups1.blob.core.windows.net/db/?sv=2021-08-06&se=2026-06-01&sr=c&sp=rl&sig=ToefgePI8VqxFzxF5O+Z/FlIIa8xCm1rQbAKYhgS34N%3D"', secret: 'sv=2021-08-06&se=2026-06-01&sr=c&sp=rl&sig=ToefgePI8VqxFzxF5O+Z/FlIIa8xCm1rQbAKYhgS34N%3D' },
      ],
      negative: ['https://exports.blob.core.windows.net/reports/q3.csv?sv=2022-11-02&sig=REDACTED', 'https://x.blob.core.windows.net/c/file.txt'],
    },
  },
  {
    id: 'azure-ad-client-secret',
    title: 'Microsoft Entra ID (Azure AD) client secret',
    severity: 'critical',
    provider: 'azure',
    keywords: ['q~'],
    pattern: /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
    minEntropy: 3.8,
    revoke: 'Delete the secret under App registrations > Certificates & secrets, and prefer federated credentials.',
    examples: {
      positive: [
        { text: 'AZURE_CLIENT_SECRET=b038Q~evSXTD4oGOdH1IIldYlDen0~iVZAJ1224T', secret: 'b038Q~evSXTD4oGOdH1IIldYlDen0~iVZAJ1224T' },
        { text: '"clientSecret": "rJK7Q~62br9pylYI~SXwriIgeQNtiW.7Vrci4Vgp"', secret: 'rJK7Q~62br9pylYI~SXwriIgeQNtiW.7Vrci4Vgp' },
      ],
      negative: [
        'AZURE_CLIENT_SECRET=abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'the Q~ marker alone',
        // near miss: four characters before Q~, none a digit
        'tenant_hint: abcdQ~evSXTD4oGOdH1IIldYlDen0~iVZAJ1224T',
      ],
    },
  },
  {
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    severity: 'high',
    provider: 'azure',
    keywords: ['azure_devops', 'azuredevops', 'ado_pat', 'azure-devops', 'system_accesstoken', 'devops_pat'],
    pattern: /(?:azure[_-]?devops[_-]?(?:pat|token)|ado_pat|devops_pat|system_accesstoken)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-z2-7]{52})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke it under User settings > Personal access tokens in Azure DevOps.',
    examples: {
      positive: [
        { text: 'AZURE_DEVOPS_PAT=5xja74dvyut4xgmldjm5uy7vvtxbda2rb7jzmg4u6ufhnqutz4tx', secret: '5xja74dvyut4xgmldjm5uy7vvtxbda2rb7jzmg4u6ufhnqutz4tx' },
        { text: 'azure_devops_token: "c7gus3as7t6nevgdttlsmngixvruoy33zfwcnclwn3vbjguhae2o"', secret: 'c7gus3as7t6nevgdttlsmngixvruoy33zfwcnclwn3vbjguhae2o' },
      ],
      negative: ['AZURE_DEVOPS_PAT=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ado_pat = $(System.AccessToken)'],
    },
  },
]);
