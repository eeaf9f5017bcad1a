// Other infrastructure clouds: Alibaba, IBM, DigitalOcean, Cloudflare, Linode, Scaleway.
import { defineRules } from '../rule.js';

export const cloudRules = defineRules([
  {
    id: 'alibaba-access-key-id',
    title: 'Alibaba Cloud AccessKey ID',
    severity: 'high',
    provider: 'alibaba',
    keywords: ['ltai'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>LTAI[A-Za-z0-9]{12,20})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    revoke: 'Disable and delete the AccessKey in the RAM console.',
    examples: {
      positive: [
        { text: 'KEY=LTAIqbdqOeF8gXiqnQJG2idH', secret: 'LTAIqbdqOeF8gXiqnQJG2idH' },
        { text: 'token: "LTAIMAbv5xwTzgmhYPNpmlLA"', secret: 'LTAIMAbv5xwTzgmhYPNpmlLA' },
      ],
      negative: [
        'KEY=LTAIxxxxxxxxxxxxxxxxxxxx',
        'LTAI is the prefix of Alibaba Cloud AccessKey ID values',
        // near miss: one character too long
        'KEY=LTAIqbdqOeF8gXiqnQJG2idHq',
      ],
    },
  },
  {
    id: 'ibm-cloud-iam-key',
    title: 'IBM Cloud IAM API key',
    severity: 'high',
    provider: 'ibm',
    keywords: ['ibm_cloud', 'ibmcloud', 'ic_api_key', 'ibm-cloud-api-key'],
    pattern: /(?:ibm_?cloud_?api_?key|ic_api_key|ibm-cloud-api-key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9_-]{44})(?![A-Za-z0-9_-])/i,
    minEntropy: 3.0,
    revoke: 'Delete the API key in IBM Cloud IAM.',
    examples: {
      positive: [
        { text: 'IBMCLOUD_API_KEY=pCilFxF-KJ25BHoYXLJTEMyyM6IeN84jKlp87EreJ0fQ', secret: 'pCilFxF-KJ25BHoYXLJTEMyyM6IeN84jKlp87EreJ0fQ' },
        { text: 'ibm_cloud_api_key: "djOH2M0RAsknn0gysSUxg-Jd9L8bjNwFQEYr8aI-IfV0"', secret: 'djOH2M0RAsknn0gysSUxg-Jd9L8bjNwFQEYr8aI-IfV0' },
      ],
      negative: [
        'IBMCLOUD_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'ic_api_key = var.ibm_key',
        // near miss: a reference in context, not a value
        'IBMCLOUD_API_KEY=${IBMCLOUD_API_KEY_PROD}',
      ],
    },
  },
  {
    id: 'digitalocean-pat',
    title: 'DigitalOcean personal access token',
    severity: 'critical',
    provider: 'digitalocean',
    keywords: ['dop_v1_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dop_v1_[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete the token at https://cloud.digitalocean.com/account/api/tokens.',
    examples: {
      positive: [
        { text: 'KEY=dop_v1_cf46e33b6290b50f27b2ea4d3a2e5b029ee8e9027f44f1b30b2a6610db64a410', secret: 'dop_v1_cf46e33b6290b50f27b2ea4d3a2e5b029ee8e9027f44f1b30b2a6610db64a410' },
        { text: 'token: "dop_v1_ae1e13c44e4f585b1b723c1cf057458b3b274032393b284decc6ed4acf8693af"', secret: 'dop_v1_ae1e13c44e4f585b1b723c1cf057458b3b274032393b284decc6ed4acf8693af' },
      ],
      negative: ['KEY=dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'dop_v1_ is the prefix of DigitalOcean personal access token values'],
    },
  },
  {
    id: 'digitalocean-oauth-token',
    title: 'DigitalOcean OAuth token',
    severity: 'high',
    provider: 'digitalocean',
    keywords: ['doo_v1_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>doo_v1_[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke the OAuth application authorization in DigitalOcean.',
    examples: {
      positive: [
        { text: 'KEY=doo_v1_b3d6da43243c34365890533b45a522f7be58f081995ece35973c15f603c68593', secret: 'doo_v1_b3d6da43243c34365890533b45a522f7be58f081995ece35973c15f603c68593' },
        { text: 'token: "doo_v1_00c3cab2fe6311e36437f49819dbd0c61b492bebb1a2aa410579b6721081ba57"', secret: 'doo_v1_00c3cab2fe6311e36437f49819dbd0c61b492bebb1a2aa410579b6721081ba57' },
      ],
      negative: ['KEY=doo_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'doo_v1_ is the prefix of DigitalOcean OAuth token values'],
    },
  },
  {
    id: 'digitalocean-refresh-token',
    title: 'DigitalOcean OAuth refresh token',
    severity: 'high',
    provider: 'digitalocean',
    keywords: ['dor_v1_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dor_v1_[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke the OAuth application authorization in DigitalOcean.',
    examples: {
      positive: [
        { text: 'KEY=dor_v1_6fa388311459545cdc399940bd4d16a84aa180595ce1608e902404e9512577e0', secret: 'dor_v1_6fa388311459545cdc399940bd4d16a84aa180595ce1608e902404e9512577e0' },
        { text: 'token: "dor_v1_ce2a9f7c3f74d09907dabf94cbc99f553a663155ec644f003cd5c45e239e7914"', secret: 'dor_v1_ce2a9f7c3f74d09907dabf94cbc99f553a663155ec644f003cd5c45e239e7914' },
      ],
      negative: ['KEY=dor_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'dor_v1_ is the prefix of DigitalOcean OAuth refresh token values'],
    },
  },
  {
    id: 'cloudflare-global-api-key',
    title: 'Cloudflare global API key',
    severity: 'critical',
    provider: 'cloudflare',
    keywords: ['cfk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>cfk_[A-Za-z0-9]{40}[0-9a-f]{8})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Roll or delete the token in the Cloudflare dashboard (My Profile or Manage Account > API Tokens).',
    examples: {
      positive: [
        { text: 'KEY=cfk_BW54YRYZQ1Xy0OeaGdA0kM6aCMHA3uOHSj0oDiZh039e1441', secret: 'cfk_BW54YRYZQ1Xy0OeaGdA0kM6aCMHA3uOHSj0oDiZh039e1441' },
        { text: 'token: "cfk_prMNa2xeYlZM7RQHR4pzoFB7M3XwVpZe7C7nSpMg4d8ff19e"', secret: 'cfk_prMNa2xeYlZM7RQHR4pzoFB7M3XwVpZe7C7nSpMg4d8ff19e' },
      ],
      negative: [
        'KEY=cfk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'cfk_ is the prefix of Cloudflare global API key values',
        // near miss: one character short
        'KEY=cfk_BW54YRYZQ1Xy0OeaGdA0kM6aCMHA3uOHSj0oDiZh039e144',
      ],
    },
  },
  {
    id: 'cloudflare-user-api-token',
    title: 'Cloudflare user API token',
    severity: 'critical',
    provider: 'cloudflare',
    keywords: ['cfut_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>cfut_[A-Za-z0-9]{40}[0-9a-f]{8})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Roll or delete the token in the Cloudflare dashboard (My Profile or Manage Account > API Tokens).',
    examples: {
      positive: [
        { text: 'KEY=cfut_nctflBSWQ2KRpR7Yv2EBczfXcWczPWkgxJFr3j0Lb5ad413d', secret: 'cfut_nctflBSWQ2KRpR7Yv2EBczfXcWczPWkgxJFr3j0Lb5ad413d' },
        { text: 'token: "cfut_qCsNa6yPskavsCRKRvOoKI5a8NEs5AtBR1fjOvFZ21658335"', secret: 'cfut_qCsNa6yPskavsCRKRvOoKI5a8NEs5AtBR1fjOvFZ21658335' },
      ],
      negative: [
        'KEY=cfut_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'cfut_ is the prefix of Cloudflare user API token values',
        // near miss: one character short
        'KEY=cfut_nctflBSWQ2KRpR7Yv2EBczfXcWczPWkgxJFr3j0Lb5ad413',
      ],
    },
  },
  {
    id: 'cloudflare-account-api-token',
    title: 'Cloudflare account API token',
    severity: 'critical',
    provider: 'cloudflare',
    keywords: ['cfat_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>cfat_[A-Za-z0-9]{40}[0-9a-f]{8})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Roll or delete the token in the Cloudflare dashboard (My Profile or Manage Account > API Tokens).',
    examples: {
      positive: [
        { text: 'KEY=cfat_1jskpkl9eIBPDwXIRAOwuHpDCsHGIbQHIDplk8KX1d4577ba', secret: 'cfat_1jskpkl9eIBPDwXIRAOwuHpDCsHGIbQHIDplk8KX1d4577ba' },
        { text: 'token: "cfat_lmfYrHQgveAmyJ4sDpESEe4L68AH4726nKkiwzng07f8f719"', secret: 'cfat_lmfYrHQgveAmyJ4sDpESEe4L68AH4726nKkiwzng07f8f719' },
      ],
      negative: [
        'KEY=cfat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'cfat_ is the prefix of Cloudflare account API token values',
        // near miss: one character short
        'KEY=cfat_1jskpkl9eIBPDwXIRAOwuHpDCsHGIbQHIDplk8KX1d4577b',
      ],
    },
  },
  {
    id: 'cloudflare-origin-ca-key',
    title: 'Cloudflare Origin CA key',
    severity: 'high',
    provider: 'cloudflare',
    keywords: ['v1.0-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Regenerate the Origin CA key in the Cloudflare dashboard (My Profile > API Tokens).',
    examples: {
      positive: [
        { text: 'CF_ORIGIN_CA_KEY=v1.0-6a1734e674c1933b5de8cdb9-b8d53f8fef8a0b25e6dd75071096785a10f62c023b0d8f12e09ad4e5268b4c7ea183d5b757a5a1a81253cdd01927042964e6c5c77af0dc83901fbd8592f57c58141f5146201b82806f', secret: 'v1.0-6a1734e674c1933b5de8cdb9-b8d53f8fef8a0b25e6dd75071096785a10f62c023b0d8f12e09ad4e5268b4c7ea183d5b757a5a1a81253cdd01927042964e6c5c77af0dc83901fbd8592f57c58141f5146201b82806f' },
        { text: 'origin_ca_key: "v1.0-7183cecbc64c75a6cc740af1-18c5a158b8e58d7b04949dadf55ccc713b39758757ba2ca98701198d1b9dde515e0e8b8fb1755b1087820cac640a98acf03ab8776018a2620843e213847080b0f7acc797cadf02b70c"', secret: 'v1.0-7183cecbc64c75a6cc740af1-18c5a158b8e58d7b04949dadf55ccc713b39758757ba2ca98701198d1b9dde515e0e8b8fb1755b1087820cac640a98acf03ab8776018a2620843e213847080b0f7acc797cadf02b70c' },
      ],
      negative: [
        'CF_ORIGIN_CA_KEY=v1.0-000000000000000000000000-00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
        'version v1.0-beta',
        // near miss: one character short
        'CF_ORIGIN_CA_KEY=v1.0-6a1734e674c1933b5de8cdb9-b8d53f8fef8a0b25e6dd75071096785a10f62c023b0d8f12e09ad4e5268b4c7ea183d5b757a5a1a81253cdd01927042964e6c5c77af0dc83901fbd8592f57c58141f5146201b82806',
      ],
    },
  },
  {
    id: 'cloudflare-legacy-api-key',
    title: 'Cloudflare legacy global API key',
    severity: 'high',
    provider: 'cloudflare',
    keywords: ['cloudflare', 'cf_api_key', 'x-auth-key'],
    pattern: /(?:cloudflare[_-]?(?:global[_-]?)?api[_-]?key|cf_api_key|x-auth-key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{37})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Roll the Global API Key in the Cloudflare dashboard and move to scoped API tokens.',
    examples: {
      positive: [
        { text: 'CLOUDFLARE_API_KEY=613c5637515c155c6fa61dee4a296c2d1ae7b', secret: '613c5637515c155c6fa61dee4a296c2d1ae7b' },
        { text: 'X-Auth-Key: ff79235e03751b9ca1aeb75fdbd4d7d167995', secret: 'ff79235e03751b9ca1aeb75fdbd4d7d167995' },
      ],
      negative: [
        'CLOUDFLARE_API_KEY=0000000000000000000000000000000000000',
        'X-Auth-Key: ${CF_KEY}',
        // near miss: one character short
        'CLOUDFLARE_API_KEY=613c5637515c155c6fa61dee4a296c2d1ae7',
      ],
    },
  },
  {
    id: 'linode-token',
    title: 'Linode/Akamai personal access token',
    severity: 'high',
    provider: 'linode',
    keywords: ['linode'],
    pattern: /(?:linode_?(?:cli_?)?(?:api_?)?token|linode-token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{64})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke it in Cloud Manager (My Profile > API Tokens).',
    examples: {
      positive: [
        { text: 'LINODE_TOKEN=a0d8e442e49b363eb0e364082366fcf44b8f09cabf2b772c53aec73aa81997ce', secret: 'a0d8e442e49b363eb0e364082366fcf44b8f09cabf2b772c53aec73aa81997ce' },
        { text: 'linode_cli_token: "d7ce68cd998f92758518a0ebc70f0e1e40bc437ec5179201ff836b9755f89f11"', secret: 'd7ce68cd998f92758518a0ebc70f0e1e40bc437ec5179201ff836b9755f89f11' },
      ],
      negative: ['LINODE_TOKEN=0000000000000000000000000000000000000000000000000000000000000000', 'linode_token = var.linode_token'],
    },
  },
  {
    id: 'scaleway-secret-key',
    title: 'Scaleway secret key',
    severity: 'high',
    provider: 'scaleway',
    keywords: ['scw_secret_key', 'scaleway_secret_key'],
    pattern: /(?:scw_secret_key|scaleway_secret_key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Delete the API key in the Scaleway console (IAM > API keys).',
    examples: {
      positive: [
        { text: 'SCW_SECRET_KEY=adef4f98-6613-415e-afa7-8ed590ac0b1f', secret: 'adef4f98-6613-415e-afa7-8ed590ac0b1f' },
        { text: 'scw_secret_key: "9a750118-b82a-4793-a38c-ea0e875bc5ca"', secret: '9a750118-b82a-4793-a38c-ea0e875bc5ca' },
      ],
      negative: ['SCW_SECRET_KEY=00000000-0000-0000-0000-000000000000', 'scw_secret_key = var.key'],
    },
  },
]);
