import { defineRules } from '../rule.js';

export const productivityRules = defineRules([
  {
    id: 'linear-api-key',
    title: 'Linear API key',
    severity: 'high',
    provider: 'linear',
    keywords: ['lin_api_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in Linear (Settings > Security & access > API keys).',
    examples: {
      positive: [
        { text: 'KEY=lin_api_OhfUs7EpQrlWUMv4gS8XQpPyHw4wjJkjrArh7D1j', secret: 'lin_api_OhfUs7EpQrlWUMv4gS8XQpPyHw4wjJkjrArh7D1j' },
        { text: 'token: "lin_api_MSYfiDh4oEgLqkKshoxB3ImEk53uOzyxlG5tWouv"', secret: 'lin_api_MSYfiDh4oEgLqkKshoxB3ImEk53uOzyxlG5tWouv' },
      ],
      negative: [
        'KEY=lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'lin_api_ is the prefix of Linear API key values',
        // near miss: one character short
        'KEY=lin_api_OhfUs7EpQrlWUMv4gS8XQpPyHw4wjJkjrArh7D1',
      ],
    },
  },
  {
    id: 'notion-integration-token',
    title: 'Notion integration token',
    severity: 'high',
    provider: 'notion',
    keywords: ['ntn_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>ntn_[0-9]{11}[A-Za-z0-9]{35})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Refresh the secret in Notion (Settings > Connections > Develop or manage integrations).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=ntn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'ntn_ is the prefix of Notion integration token values',
        // near miss: one character short
        'KEY=ntn_17927653521Qrul3h5AMhW9bUpi9rkSYPTR0YSyclEXk6',
      ],
    },
  },
  {
    id: 'notion-legacy-token',
    title: 'Notion integration token (legacy secret_)',
    severity: 'high',
    provider: 'notion',
    keywords: ['secret_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>secret_[A-Za-z0-9]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Refresh the secret in Notion integration settings.',
    examples: {
      positive: [
        { text: 'KEY=secret_PdNcCKoRJE0lT9HIbl9fC4NnOHQv7hNYFCiGSW8ztLx', secret: 'secret_PdNcCKoRJE0lT9HIbl9fC4NnOHQv7hNYFCiGSW8ztLx' },
        { text: 'token: "secret_LUDWfLoKYKdeMLvAUnf9IhjmCmteDEyA8HNoHMPF3xC"', secret: 'secret_LUDWfLoKYKdeMLvAUnf9IhjmCmteDEyA8HNoHMPF3xC' },
      ],
      negative: [
        'KEY=secret_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'secret_ is the prefix of Notion integration token (legacy secret_) values',
        // near miss: one character short
        'KEY=secret_PdNcCKoRJE0lT9HIbl9fC4NnOHQv7hNYFCiGSW8ztL',
      ],
    },
  },
  {
    id: 'postman-api-key',
    title: 'Postman API key',
    severity: 'high',
    provider: 'postman',
    keywords: ['pmak-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>PMAK\-[a-f0-9]{24}-[a-f0-9]{34})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it in Postman (Settings > API keys).',
    examples: {
      positive: [
        { text: 'KEY=PMAK-1d6b65c7c8727c7c8729899f-26cda6490a571687a0ff63209d12a008d2', secret: 'PMAK-1d6b65c7c8727c7c8729899f-26cda6490a571687a0ff63209d12a008d2' },
        { text: 'token: "PMAK-3afb516282d1208960ddd32b-155c69a9e5bc58e5102695d4697d5915bc"', secret: 'PMAK-3afb516282d1208960ddd32b-155c69a9e5bc58e5102695d4697d5915bc' },
      ],
      negative: [
        'KEY=PMAK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'PMAK- is the prefix of Postman API key values',
        // near miss: one character short
        'KEY=PMAK-1d6b65c7c8727c7c8729899f-26cda6490a571687a0ff63209d12a008d',
      ],
    },
  },
  {
    id: 'asana-pat',
    title: 'Asana personal access token',
    severity: 'high',
    provider: 'asana',
    keywords: ['asana'],
    pattern: /asana[A-Za-z0-9_ .-]{0,20}(?:token|pat|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9]\/[0-9]{10,16}(?:\/[0-9]{10,16})?:[A-Za-z0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Deauthorize the token in Asana (My settings > Apps > Developer apps).',
    examples: {
      positive: [
        { text: 'ASANA_TOKEN=2/6133097754317718/1618149964412947:c21faa95e62c48677ada0ec45b5b23ea', secret: '2/6133097754317718/1618149964412947:c21faa95e62c48677ada0ec45b5b23ea' },
        { text: 'asana_pat: "1/4756301387007452:dH8FI1LTqbZ65Mki9B3d4SuQ38KFBvRh"', secret: '1/4756301387007452:dH8FI1LTqbZ65Mki9B3d4SuQ38KFBvRh' },
      ],
      negative: ['ASANA_TOKEN=2/0000000000000000/0000000000000000:00000000000000000000000000000000', 'asana_workspace = 12345'],
    },
  },
  {
    id: 'airtable-pat',
    title: 'Airtable personal access token',
    severity: 'high',
    provider: 'airtable',
    keywords: ['pat'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it at https://airtable.com/create/tokens.',
    examples: {
      positive: [
        { text: 'KEY=patEiFL2ngGDA2AoD.197a9d6e4b560662e3bb071fbcee724cb5c54325a12bc3965fd4ddc1d49809cb', secret: 'patEiFL2ngGDA2AoD.197a9d6e4b560662e3bb071fbcee724cb5c54325a12bc3965fd4ddc1d49809cb' },
        { text: 'token: "patrMXLmVdIZo7Pk0.98de1ac8325a2c3c2b45e029a3119566e09428e8a479c938f3c104110642e517"', secret: 'patrMXLmVdIZo7Pk0.98de1ac8325a2c3c2b45e029a3119566e09428e8a479c938f3c104110642e517' },
      ],
      negative: [
        'KEY=patxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pat is the prefix of Airtable personal access token values',
        // near miss: one character short
        'KEY=patEiFL2ngGDA2AoD.197a9d6e4b560662e3bb071fbcee724cb5c54325a12bc3965fd4ddc1d49809c',
      ],
    },
  },
  {
    id: 'figma-pat',
    title: 'Figma personal access token',
    severity: 'high',
    provider: 'figma',
    keywords: ['figd_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>figd_[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in Figma (Settings > Security > Personal access tokens).',
    examples: {
      positive: [
        { text: 'KEY=figd_VGVk_RvKnygNWrcp0cBqa-InpokBdmgHKpZYWbr0', secret: 'figd_VGVk_RvKnygNWrcp0cBqa-InpokBdmgHKpZYWbr0' },
        { text: 'token: "figd_9MA4jbdFCaxTVXX18exhEsnbegoPdlgZZNugQPJO"', secret: 'figd_9MA4jbdFCaxTVXX18exhEsnbegoPdlgZZNugQPJO' },
      ],
      negative: [
        'KEY=figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'figd_ is the prefix of Figma personal access token values',
        // near miss: one character short
        'KEY=figd_VGVk_RvKnygNWrcp0cBqa-InpokBdmgHKpZYWbr',
      ],
    },
  },
  {
    id: 'clickup-api-token',
    title: 'ClickUp personal API token',
    severity: 'high',
    provider: 'clickup',
    keywords: ['pk_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pk_[0-9]{6,10}_[A-Z0-9]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Regenerate it in ClickUp (Settings > Apps).',
    examples: {
      positive: [
        { text: 'KEY=pk_39001642_YN9RJGMNHAMKHO7S3X7BTWMA32ZRZ78M', secret: 'pk_39001642_YN9RJGMNHAMKHO7S3X7BTWMA32ZRZ78M' },
        { text: 'token: "pk_46648668_FZYBFLYSFJWR3B7BETJA81ZQZO8IYN36"', secret: 'pk_46648668_FZYBFLYSFJWR3B7BETJA81ZQZO8IYN36' },
      ],
      negative: [
        'KEY=pk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pk_ is the prefix of ClickUp personal API token values',
        // near miss: one character short
        'KEY=pk_39001642_YN9RJGMNHAMKHO7S3X7BTWMA32ZRZ78',
      ],
    },
  },
  {
    id: 'typeform-token',
    title: 'Typeform personal access token',
    severity: 'high',
    provider: 'typeform',
    keywords: ['tfp_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>tfp_[A-Za-z0-9_-]{44}_[A-Za-z0-9_-]{14})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in Typeform (Account > Personal tokens).',
    examples: {
      positive: [
        { text: 'KEY=tfp_D4sBHXU-7RaKz4h6_LgpRfrdI5SvM4SiwF8rGdU940JQ_keKBfTkTLEfiV1', secret: 'tfp_D4sBHXU-7RaKz4h6_LgpRfrdI5SvM4SiwF8rGdU940JQ_keKBfTkTLEfiV1' },
        { text: 'token: "tfp_1VFNJ9weuAZ33x-NgKPU_Mg9ZuCpqHk2B-Jg3nL8hAEm_pJuUeTQJBL6O5a"', secret: 'tfp_1VFNJ9weuAZ33x-NgKPU_Mg9ZuCpqHk2B-Jg3nL8hAEm_pJuUeTQJBL6O5a' },
      ],
      negative: [
        'KEY=tfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'tfp_ is the prefix of Typeform personal access token values',
        // near miss: one character short
        'KEY=tfp_D4sBHXU-7RaKz4h6_LgpRfrdI5SvM4SiwF8rGdU940JQ_keKBfTkTLEfiV',
      ],
    },
  },
  {
    id: 'dropbox-access-token',
    title: 'Dropbox short-lived access token',
    severity: 'high',
    provider: 'dropbox',
    keywords: ['sl.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sl\.[A-Za-z0-9_-]{130,1400})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it with the Dropbox API (token/revoke) and rotate the app secret if it leaked too.',
    examples: {
      positive: [
        { text: 'KEY=sl.Nm-gTwHrCkcyftF-njL5OA_JQXU7w3qpAzhw46vGQYFOBbYokAizh0YX0gUBNQO-rH82OBezGljYNT_hbesmUTOUSSrFRszAvJKetYmTdt3TGuDYrK_nZFwYOJ6GH4CFFd7Q2kBqN6o3', secret: 'sl.Nm-gTwHrCkcyftF-njL5OA_JQXU7w3qpAzhw46vGQYFOBbYokAizh0YX0gUBNQO-rH82OBezGljYNT_hbesmUTOUSSrFRszAvJKetYmTdt3TGuDYrK_nZFwYOJ6GH4CFFd7Q2kBqN6o3' },
        { text: 'token: "sl.yiT_vlHen2q8dAOnaq4AcXTai2fuJO20YZyJi_CW7CIFuFPPWfU9J1cVIpuhVPlC4EN3yXRrWSLmNzmhRbwjHb488WLPYwTdkPGRpI5CkwEE5MEYTT8YqWkunVQLffgiT509qpllt69l"', secret: 'sl.yiT_vlHen2q8dAOnaq4AcXTai2fuJO20YZyJi_CW7CIFuFPPWfU9J1cVIpuhVPlC4EN3yXRrWSLmNzmhRbwjHb488WLPYwTdkPGRpI5CkwEE5MEYTT8YqWkunVQLffgiT509qpllt69l' },
      ],
      negative: [
        'KEY=sl.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sl. is the prefix of Dropbox short-lived access token values',
        // near miss: embedded in a longer token
        'KEY=Zqsl.Nm-gTwHrCkcyftF-njL5OA_JQXU7w3qpAzhw46vGQYFOBbYokAizh0YX0gUBNQO-rH82OBezGljYNT_hbesmUTOUSSrFRszAvJKetYmTdt3TGuDYrK_nZFwYOJ6GH4CFFd7Q2kBqN6o3',
      ],
    },
  },
  {
    id: 'hubspot-private-app-token',
    title: 'HubSpot private app token',
    severity: 'high',
    provider: 'hubspot',
    keywords: ['pat-na1-', 'pat-eu1-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>pat-(?:na|eu)1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Rotate the token in HubSpot (Settings > Integrations > Private apps).',
    examples: {
      positive: [
        { text: 'KEY=pat-na1-a439c813-923b-4848-a6b1-29345b8a0f69', secret: 'pat-na1-a439c813-923b-4848-a6b1-29345b8a0f69' },
        { text: 'token: "pat-na1-7d5ef8c3-41be-42f1-a138-5a45d8a3e730"', secret: 'pat-na1-7d5ef8c3-41be-42f1-a138-5a45d8a3e730' },
      ],
      negative: [
        'KEY=pat-na1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'pat-na1- is the prefix of HubSpot private app token values',
        // near miss: one character short
        'KEY=pat-na1-a439c813-923b-4848-a6b1-29345b8a0f6',
      ],
    },
  },
  {
    id: 'zendesk-api-token',
    title: 'Zendesk API token',
    severity: 'high',
    provider: 'zendesk',
    keywords: ['zendesk'],
    pattern: /zendesk[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9]{40})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Delete the token in Zendesk Admin Center (Apps and integrations > APIs).',
    examples: {
      positive: [
        { text: 'ZENDESK_API_TOKEN=ahbBCUJ6L3LXts9WuwXjTJOmHef7Dk38ev9DnXRy', secret: 'ahbBCUJ6L3LXts9WuwXjTJOmHef7Dk38ev9DnXRy' },
        { text: 'zendesk_token: "cCkIsSqYY5Oh0AhYuIGMX1B34UQ5vVGYL2vk5W6p"', secret: 'cCkIsSqYY5Oh0AhYuIGMX1B34UQ5vVGYL2vk5W6p' },
      ],
      negative: ['ZENDESK_API_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'zendesk_subdomain = support'],
    },
  },
  {
    id: 'intercom-access-token',
    title: 'Intercom access token',
    severity: 'high',
    provider: 'intercom',
    keywords: ['intercom'],
    pattern: /intercom[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>dG9rOj[A-Za-z0-9+\/]{40,80}={0,2})(?![A-Za-z0-9+\/=])/i,
    minEntropy: 3.5,
    revoke: 'Regenerate the access token in the Intercom Developer Hub.',
    examples: {
      positive: [
        { text: 'INTERCOM_ACCESS_TOKEN=dG9rOjZmODgtMjRmZi00NGVlLWEzOTQtOTI3NTBmOTQ1NmZlOmRhMTZhZjk0', secret: 'dG9rOjZmODgtMjRmZi00NGVlLWEzOTQtOTI3NTBmOTQ1NmZlOmRhMTZhZjk0' },
        { text: 'intercom_token: "dG9rOjaHX+ANDTKAeM6XgIcNBL1tArKCA4Obm+rXcBIixKwE16/UD6RnCtDT"', secret: 'dG9rOjaHX+ANDTKAeM6XgIcNBL1tArKCA4Obm+rXcBIixKwE16/UD6RnCtDT' },
      ],
      negative: ['INTERCOM_ACCESS_TOKEN=dG9rOjxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'intercom_app_id = abc123'],
    },
  },
  {
    id: 'trello-api-token',
    title: 'Trello API token',
    severity: 'high',
    provider: 'trello',
    keywords: ['trello'],
    pattern: /trello[A-Za-z0-9_ .-]{0,20}(?:token|secret)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>ATTA[a-f0-9]{60,70}|[a-f0-9]{64})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke the token in Trello (Account > Applications).',
    examples: {
      positive: [
        { text: 'TRELLO_TOKEN=ATTAb7500c199298c0c800754332cf31b869c9e2907a15872dce618cadd9529c5f4e', secret: 'ATTAb7500c199298c0c800754332cf31b869c9e2907a15872dce618cadd9529c5f4e' },
        { text: 'trello_secret: "da8e2f685ac3345dc2abd4ae72e67b83f9b99a26ac7605167f576fc339de9312"', secret: 'da8e2f685ac3345dc2abd4ae72e67b83f9b99a26ac7605167f576fc339de9312' },
      ],
      negative: ['TRELLO_TOKEN=0000000000000000000000000000000000000000000000000000000000000000', 'trello_board = abc'],
    },
  },
  {
    id: 'contentful-token',
    title: 'Contentful personal access token',
    severity: 'high',
    provider: 'contentful',
    keywords: ['cfpat-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>CFPAT\-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in Contentful (Settings > CMA tokens).',
    examples: {
      positive: [
        { text: 'KEY=CFPAT-wXYaUALSw7t-KM0bjyVaf3Sqm1cBqT8NwEm2TJtxttL', secret: 'CFPAT-wXYaUALSw7t-KM0bjyVaf3Sqm1cBqT8NwEm2TJtxttL' },
        { text: 'token: "CFPAT-XCQPPf56cyPtNT1us4TNN9Po6iV2K254AbP9tQeTiek"', secret: 'CFPAT-XCQPPf56cyPtNT1us4TNN9Po6iV2K254AbP9tQeTiek' },
      ],
      negative: [
        'KEY=CFPAT-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'CFPAT- is the prefix of Contentful personal access token values',
        // near miss: one character short
        'KEY=CFPAT-wXYaUALSw7t-KM0bjyVaf3Sqm1cBqT8NwEm2TJtxtt',
      ],
    },
  },
  {
    id: 'sourcegraph-token',
    title: 'Sourcegraph access token',
    severity: 'high',
    provider: 'sourcegraph',
    keywords: ['sgp_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete it in Sourcegraph (Settings > Access tokens).',
    examples: {
      positive: [
        { text: 'KEY=sgp_9af46fb71ff04704_08ca699f6c6bd4689baed7045a1c8104a9ef8a18', secret: 'sgp_9af46fb71ff04704_08ca699f6c6bd4689baed7045a1c8104a9ef8a18' },
        { text: 'token: "sgp_cb2e1a0b42ea6a25_26a2edc84368d9c58b060ba5607b125fb2ddcb70"', secret: 'sgp_cb2e1a0b42ea6a25_26a2edc84368d9c58b060ba5607b125fb2ddcb70' },
      ],
      negative: [
        'KEY=sgp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sgp_ is the prefix of Sourcegraph access token values',
        // near miss: one character short
        'KEY=sgp_9af46fb71ff04704_08ca699f6c6bd4689baed7045a1c8104a9ef8a1',
      ],
    },
  },
  {
    id: 'snyk-token',
    title: 'Snyk API token',
    severity: 'high',
    provider: 'snyk',
    keywords: ['snyk_', 'snyk-'],
    pattern: /snyk[_-](?:api[_-])?token["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke it in Snyk (Account settings > Auth token).',
    examples: {
      positive: [
        { text: 'SNYK_TOKEN=06bef821-41de-4baa-ae6f-a03874289d78', secret: '06bef821-41de-4baa-ae6f-a03874289d78' },
        { text: 'snyk_api_token: "c90db9a7-e305-4e78-a8e7-020cc0c32426"', secret: 'c90db9a7-e305-4e78-a8e7-020cc0c32426' },
      ],
      negative: ['SNYK_TOKEN=00000000-0000-0000-0000-000000000000', 'snyk_token = ${{ secrets.SNYK_TOKEN }}'],
    },
  },
  {
    id: 'okta-api-token',
    title: 'Okta API token',
    severity: 'critical',
    provider: 'okta',
    keywords: ['okta'],
    pattern: /okta[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>00[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/i,
    minEntropy: 3.0,
    revoke: 'Revoke it in the Okta admin console (Security > API > Tokens).',
    examples: {
      positive: [
        { text: 'OKTA_API_TOKEN=00io-vtx5KbFHAGXjIpojt9K5dsw3Wro5AglaAq-4k', secret: '00io-vtx5KbFHAGXjIpojt9K5dsw3Wro5AglaAq-4k' },
        { text: 'okta_token: "00OEV6LqxZPB79q-QVAxxGRiP7GI5gwanjqq03L41f"', secret: '00OEV6LqxZPB79q-QVAxxGRiP7GI5gwanjqq03L41f' },
      ],
      negative: ['OKTA_API_TOKEN=00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'okta_org_url = https://dev.okta.com'],
    },
  },
]);
