import { defineRules } from '../rule.js';

export const monitoringRules = defineRules([
  {
    id: 'datadog-api-key',
    title: 'Datadog API key',
    severity: 'high',
    provider: 'datadog',
    keywords: ['datadog', 'dd_api_key', 'dd-api-key'],
    pattern: /(?:datadog[A-Za-z0-9_ .-]{0,20}api[_-]?key|dd_api_key|dd-api-key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke the key in Datadog (Organization settings > API keys).',
    examples: {
      positive: [
        { text: 'DD_API_KEY=f06f165907fff69ffbc9c94a37f4e126', secret: 'f06f165907fff69ffbc9c94a37f4e126' },
        { text: 'datadog_api_key: "2e898fa1cc1a709b92e093ec88c41f8e"', secret: '2e898fa1cc1a709b92e093ec88c41f8e' },
      ],
      negative: ['DD_API_KEY=00000000000000000000000000000000', 'DD_SITE=datadoghq.eu'],
    },
  },
  {
    id: 'datadog-app-key',
    title: 'Datadog application key',
    severity: 'high',
    provider: 'datadog',
    keywords: ['datadog', 'dd_app_key', 'dd_application_key', 'dd-application-key'],
    pattern: /(?:datadog[A-Za-z0-9_ .-]{0,20}app(?:lication)?[_-]?key|dd_app(?:lication)?_key|dd-application-key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{40})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Revoke the key in Datadog (Organization settings > Application keys).',
    examples: {
      positive: [
        { text: 'DD_APP_KEY=9904c5526c01b84b651196f4ad85222c43c79fcc', secret: '9904c5526c01b84b651196f4ad85222c43c79fcc' },
        { text: 'datadog_application_key: "fc7084544d96e5ae64402b7ab06778a5fa58b643"', secret: 'fc7084544d96e5ae64402b7ab06778a5fa58b643' },
      ],
      negative: ['DD_APP_KEY=0000000000000000000000000000000000000000', 'DD_APP_KEY=${DD_APP_KEY}'],
    },
  },
  {
    id: 'newrelic-user-api-key',
    title: 'New Relic user API key',
    severity: 'high',
    provider: 'newrelic',
    keywords: ['nrak-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>NRAK\-[A-Z0-9]{27})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete the key in New Relic (API keys).',
    examples: {
      positive: [
        { text: 'KEY=NRAK-IWR2K0WHOTHV7KJS0659SW4VOAH', secret: 'NRAK-IWR2K0WHOTHV7KJS0659SW4VOAH' },
        { text: 'token: "NRAK-4MW2VEHDQSSGHTKJLT7QQR9N6EM"', secret: 'NRAK-4MW2VEHDQSSGHTKJLT7QQR9N6EM' },
      ],
      negative: [
        'KEY=NRAK-xxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'NRAK- is the prefix of New Relic user API key values',
        // near miss: one character short
        'KEY=NRAK-IWR2K0WHOTHV7KJS0659SW4VOA',
      ],
    },
  },
  {
    id: 'newrelic-insert-key',
    title: 'New Relic insert key',
    severity: 'high',
    provider: 'newrelic',
    keywords: ['nrii-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>NRII\-[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete the key in New Relic (API keys).',
    examples: {
      positive: [
        { text: 'KEY=NRII-RVHP08J8rxGacxxuBNemyLuP7NJ8YAee', secret: 'NRII-RVHP08J8rxGacxxuBNemyLuP7NJ8YAee' },
        { text: 'token: "NRII-BAS-WQYTtLKU2t4r41gsmHxhMT3zpH0k"', secret: 'NRII-BAS-WQYTtLKU2t4r41gsmHxhMT3zpH0k' },
      ],
      negative: [
        'KEY=NRII-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'NRII- is the prefix of New Relic insert key values',
        // near miss: one character short
        'KEY=NRII-RVHP08J8rxGacxxuBNemyLuP7NJ8YAe',
      ],
    },
  },
  {
    id: 'newrelic-browser-key',
    title: 'New Relic browser API key',
    severity: 'low',
    provider: 'newrelic',
    keywords: ['nrjs-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>NRJS\-[a-f0-9]{19})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete the key in New Relic (API keys).',
    examples: {
      positive: [
        { text: 'KEY=NRJS-90f633332bb70836fd6', secret: 'NRJS-90f633332bb70836fd6' },
        { text: 'token: "NRJS-e2ac4b60b463d65ffbf"', secret: 'NRJS-e2ac4b60b463d65ffbf' },
      ],
      negative: [
        'KEY=NRJS-xxxxxxxxxxxxxxxxxxx',
        'NRJS- is the prefix of New Relic browser API key values',
        // near miss: one character short
        'KEY=NRJS-90f633332bb70836fd',
      ],
    },
  },
  {
    id: 'newrelic-admin-key',
    title: 'New Relic admin API key',
    severity: 'high',
    provider: 'newrelic',
    keywords: ['nraa-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>NRAA\-[a-f0-9]{27})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Delete the key in New Relic (API keys).',
    examples: {
      positive: [
        { text: 'KEY=NRAA-d8d8047e943383422143069dd06', secret: 'NRAA-d8d8047e943383422143069dd06' },
        { text: 'token: "NRAA-cfd7ba178ac46d452f3a6ad365f"', secret: 'NRAA-cfd7ba178ac46d452f3a6ad365f' },
      ],
      negative: [
        'KEY=NRAA-xxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'NRAA- is the prefix of New Relic admin API key values',
        // near miss: one character short
        'KEY=NRAA-d8d8047e943383422143069dd0',
      ],
    },
  },
  {
    id: 'newrelic-license-key',
    title: 'New Relic license (ingest) key',
    severity: 'medium',
    provider: 'newrelic',
    keywords: ['nral'],
    pattern: /(?<![A-Za-z0-9])(?<secret>[a-f0-9]{36}NRAL)(?![A-Za-z0-9])/,
    minEntropy: 3.0,
    revoke: 'Rotate the ingest key in New Relic (API keys).',
    examples: {
      positive: [
        { text: 'NEW_RELIC_LICENSE_KEY=92323cf4aebd27f3a072566f647181092eb4NRAL', secret: '92323cf4aebd27f3a072566f647181092eb4NRAL' },
        { text: 'license_key: "849622aa2d9b09ba737736277a839b4895b7NRAL"', secret: '849622aa2d9b09ba737736277a839b4895b7NRAL' },
      ],
      negative: [
        'NEW_RELIC_LICENSE_KEY=000000000000000000000000000000000000NRAL',
        'NRAL marks license keys',
        // near miss: one character too long
        'NEW_RELIC_LICENSE_KEY=92323cf4aebd27f3a072566f647181092eb4NRALq',
      ],
    },
  },
  {
    id: 'sentry-org-token',
    title: 'Sentry organization auth token',
    severity: 'high',
    provider: 'sentry',
    keywords: ['sntrys_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sntrys_[A-Za-z0-9+\/=_]{80,500})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Revoke it in Sentry (Settings > Auth Tokens).',
    examples: {
      positive: [
        { text: 'KEY=sntrys_q4nvPdJhXr7IpdcVbrXC1+zFENVgeg1Q2v3yFBtqnW/aXEZkYL24VNO80s1mEyisEql0FYW10uYcsOVy7R2JYkzEhNwgGoCly99+CmH0eseJgaJTIei6BAUk', secret: 'sntrys_q4nvPdJhXr7IpdcVbrXC1+zFENVgeg1Q2v3yFBtqnW/aXEZkYL24VNO80s1mEyisEql0FYW10uYcsOVy7R2JYkzEhNwgGoCly99+CmH0eseJgaJTIei6BAUk' },
        { text: 'token: "sntrys_n+4H+zVxows5ZRdt9NcDO/Cn1n0Y7h5VfTl8+6aJdg603qRDipfvGSDapUt4GP9eS8X420WcBHq/eqvkNyi4AfxZud4VJJE1n+DphR+pd+E9oMUTXoF2l7nZ"', secret: 'sntrys_n+4H+zVxows5ZRdt9NcDO/Cn1n0Y7h5VfTl8+6aJdg603qRDipfvGSDapUt4GP9eS8X420WcBHq/eqvkNyi4AfxZud4VJJE1n+DphR+pd+E9oMUTXoF2l7nZ' },
      ],
      negative: [
        'KEY=sntrys_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sntrys_ is the prefix of Sentry organization auth token values',
        // near miss: embedded in a longer token
        'KEY=Zqsntrys_q4nvPdJhXr7IpdcVbrXC1+zFENVgeg1Q2v3yFBtqnW/aXEZkYL24VNO80s1mEyisEql0FYW10uYcsOVy7R2JYkzEhNwgGoCly99+CmH0eseJgaJTIei6BAUk',
      ],
    },
  },
  {
    id: 'sentry-user-token',
    title: 'Sentry user auth token',
    severity: 'high',
    provider: 'sentry',
    keywords: ['sntryu_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sntryu_[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    revoke: 'Revoke it in Sentry (User settings > Auth Tokens).',
    examples: {
      positive: [
        { text: 'KEY=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', secret: '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' },
        { text: 'token: "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"', secret: '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' },
      ],
      negative: [
        'KEY=sntryu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'sntryu_ is the prefix of Sentry user auth token values',
        // near miss: one character short
        'KEY=sntryu_1188cc92180a269797e8fdfb62dc600afe699eb0d7934b95a00d541aab69918',
      ],
    },
  },
  {
    id: 'sentry-dsn',
    title: 'Sentry DSN',
    severity: 'low',
    provider: 'sentry',
    keywords: ['ingest.sentry.io', 'ingest.us.sentry.io', 'ingest.de.sentry.io'],
    pattern: /https:\/\/(?<secret>[a-f0-9]{32})(?::[a-f0-9]{32})?@o[0-9]{1,10}\.ingest\.(?:us\.|de\.)?sentry\.io\/[0-9]{1,12}/,
    minEntropy: 3.0,
    revoke: 'DSNs are semi-public; if abused, rotate the client key in the project settings (Client Keys).',
    examples: {
      positive: [
        { text: 'SENTRY_DSN=https://fcf82369b6fe9d8585eed926fb291f85@o898136.ingest.sentry.io/3618953', secret: 'fcf82369b6fe9d8585eed926fb291f85' },
        { text: 'dsn: "https://e2b9e9761f22864a36921f71d9d298d2@o2280002.ingest.us.sentry.io/810553"', secret: 'e2b9e9761f22864a36921f71d9d298d2' },
      ],
      negative: ['SENTRY_DSN=https://00000000000000000000000000000000@o0.ingest.sentry.io/0', 'https://ingest.sentry.io/'],
    },
  },
  {
    id: 'grafana-cloud-token',
    title: 'Grafana Cloud access policy token',
    severity: 'high',
    provider: 'grafana',
    keywords: ['glc_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glc_[A-Za-z0-9+\/]{32,400}={0,2})(?![A-Za-z0-9_-])/,
    minEntropy: 4.0,
    revoke: 'Delete the token in the Grafana Cloud portal (Access policies).',
    examples: {
      positive: [
        { text: 'KEY=glc_7sceqlxkV3YqCkAesmOdwYxWaJuW5IdkMIRCMElSsqMkDiYyUJbUJ8TDvy6oF27N7HR/yZAsT8FKlsb2', secret: 'glc_7sceqlxkV3YqCkAesmOdwYxWaJuW5IdkMIRCMElSsqMkDiYyUJbUJ8TDvy6oF27N7HR/yZAsT8FKlsb2' },
        { text: 'token: "glc_eXex3bWQG+VhqCWGpBVpWK287eGwDlY4pKG1LMmiQa4wci0QsFXOr+1rCaQdffS7n2PzitXHqdoDHl6U"', secret: 'glc_eXex3bWQG+VhqCWGpBVpWK287eGwDlY4pKG1LMmiQa4wci0QsFXOr+1rCaQdffS7n2PzitXHqdoDHl6U' },
      ],
      negative: [
        'KEY=glc_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'glc_ is the prefix of Grafana Cloud access policy token values',
        // near miss: embedded in a longer token
        'KEY=Zqglc_7sceqlxkV3YqCkAesmOdwYxWaJuW5IdkMIRCMElSsqMkDiYyUJbUJ8TDvy6oF27N7HR/yZAsT8FKlsb2',
      ],
    },
  },
  {
    id: 'grafana-service-account-token',
    title: 'Grafana service account token',
    severity: 'high',
    provider: 'grafana',
    keywords: ['glsa_'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>glsa_[A-Za-z0-9]{32}_[a-f0-9]{8})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Delete it in Grafana (Administration > Service accounts).',
    examples: {
      positive: [
        { text: 'KEY=glsa_67CcuUAVCXkGCPQmD9aFiOucOY4pDuSR_91b330be', secret: 'glsa_67CcuUAVCXkGCPQmD9aFiOucOY4pDuSR_91b330be' },
        { text: 'token: "glsa_CHzASrh3wfvDdttsBEYiwi2hEei2Dvxc_e83351b1"', secret: 'glsa_CHzASrh3wfvDdttsBEYiwi2hEei2Dvxc_e83351b1' },
      ],
      negative: [
        'KEY=glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'glsa_ is the prefix of Grafana service account token values',
        // near miss: one character short
        'KEY=glsa_67CcuUAVCXkGCPQmD9aFiOucOY4pDuSR_91b330b',
      ],
    },
  },
  {
    id: 'dynatrace-api-token',
    title: 'Dynatrace API token',
    severity: 'high',
    provider: 'dynatrace',
    keywords: ['dt0c01.'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    revoke: 'Revoke it in Dynatrace (Access tokens).',
    examples: {
      positive: [
        { text: 'KEY=dt0c01.310CE37SFRKQCF6U9C8P31O9.LSBT5G6IM65UIOUXVWM2LI2AK109K5761GYMOX3CUMSHDI6T3N9W0A5OWWF8WC74', secret: 'dt0c01.310CE37SFRKQCF6U9C8P31O9.LSBT5G6IM65UIOUXVWM2LI2AK109K5761GYMOX3CUMSHDI6T3N9W0A5OWWF8WC74' },
        { text: 'token: "dt0c01.FQZV7ACHODQ24O6P2Q05H7JH.7GZ2XDTIFUPA83JHGDLUGZZAZR5ULS032P6068C6FC277NJCM55XM3ZUM66XT5DO"', secret: 'dt0c01.FQZV7ACHODQ24O6P2Q05H7JH.7GZ2XDTIFUPA83JHGDLUGZZAZR5ULS032P6068C6FC277NJCM55XM3ZUM66XT5DO' },
      ],
      negative: [
        'KEY=dt0c01.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        'dt0c01. is the prefix of Dynatrace API token values',
        // near miss: one character short
        'KEY=dt0c01.310CE37SFRKQCF6U9C8P31O9.LSBT5G6IM65UIOUXVWM2LI2AK109K5761GYMOX3CUMSHDI6T3N9W0A5OWWF8WC7',
      ],
    },
  },
  {
    id: 'honeycomb-api-key',
    title: 'Honeycomb API key',
    severity: 'high',
    provider: 'honeycomb',
    keywords: ['honeycomb', 'x-honeycomb-team'],
    pattern: /(?:honeycomb[A-Za-z0-9_ .-]{0,20}(?:key|token)|x-honeycomb-team)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[A-Za-z0-9]{22}|[a-f0-9]{32}|hc[a-z]{2}c_[A-Za-z0-9]{58})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    revoke: 'Delete the key in Honeycomb (Environment settings > API keys).',
    examples: {
      positive: [
        { text: 'HONEYCOMB_API_KEY=k6tYSNcyFTglMZjab3uN71', secret: 'k6tYSNcyFTglMZjab3uN71' },
        { text: 'x-honeycomb-team: hcaic_5qAbynaM3rXrNL35NMvFCBH9q3EZ5NJPHfbOYkBNA4JzNqhqzQc0sd4MUY', secret: 'hcaic_5qAbynaM3rXrNL35NMvFCBH9q3EZ5NJPHfbOYkBNA4JzNqhqzQc0sd4MUY' },
      ],
      negative: ['HONEYCOMB_API_KEY=xxxxxxxxxxxxxxxxxxxxxx', 'honeycomb_dataset = prod'],
    },
  },
  {
    id: 'pagerduty-api-key',
    title: 'PagerDuty API key',
    severity: 'high',
    provider: 'pagerduty',
    keywords: ['pagerduty'],
    pattern: /pagerduty[A-Za-z0-9_ .-]{0,20}(?:key|token)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>(?:u\+)?[A-Za-z0-9_+-]{20})(?![A-Za-z0-9_+-])/i,
    minEntropy: 3.5,
    revoke: 'Delete the key in PagerDuty (Integrations > API Access Keys).',
    examples: {
      positive: [
        { text: 'PAGERDUTY_API_KEY=u+hdY2oiy2txjleFwtqX', secret: 'u+hdY2oiy2txjleFwtqX' },
        { text: 'pagerduty_token: "DtJyF4ZkkgwiKuWmxabo"', secret: 'DtJyF4ZkkgwiKuWmxabo' },
      ],
      negative: ['PAGERDUTY_API_KEY=xxxxxxxxxxxxxxxxxxxx', 'pagerduty_service = P123ABC'],
    },
  },
  {
    id: 'rollbar-access-token',
    title: 'Rollbar access token',
    severity: 'medium',
    provider: 'rollbar',
    keywords: ['rollbar'],
    pattern: /rollbar[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?(?<secret>[a-f0-9]{32})(?![A-Za-z0-9])/i,
    minEntropy: 3.0,
    revoke: 'Disable the token in Rollbar (Project settings > Access tokens).',
    examples: {
      positive: [
        { text: 'ROLLBAR_ACCESS_TOKEN=7df6ade64d7026cacfd6b6e68481c666', secret: '7df6ade64d7026cacfd6b6e68481c666' },
        { text: 'rollbar_token: "5244a83226f4a27119ba017164bedefb"', secret: '5244a83226f4a27119ba017164bedefb' },
      ],
      negative: [
        'ROLLBAR_ACCESS_TOKEN=00000000000000000000000000000000',
        'rollbar_env = production',
        // near miss: one character short
        'ROLLBAR_ACCESS_TOKEN=7df6ade64d7026cacfd6b6e68481c66',
      ],
    },
  },
  {
    id: 'splunk-hec-token',
    title: 'Splunk HTTP Event Collector token',
    severity: 'medium',
    provider: 'splunk',
    keywords: ['splunk'],
    pattern: /(?:splunk[A-Za-z0-9_ .-]{0,20}(?:token|key)["']?\s{0,4}[:=]\s{0,4}["']?|Splunk )(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/i,
    revoke: 'Disable or delete the HEC token in Splunk (Settings > Data inputs > HTTP Event Collector).',
    examples: {
      positive: [
        { text: 'SPLUNK_HEC_TOKEN=e95ab345-9bc5-49b1-a222-1dfcc8df03da', secret: 'e95ab345-9bc5-49b1-a222-1dfcc8df03da' },
        { text: 'Authorization: Splunk 0762c291-e83d-44e9-aeb6-735598bd2f90', secret: '0762c291-e83d-44e9-aeb6-735598bd2f90' },
      ],
      negative: ['SPLUNK_HEC_TOKEN=00000000-0000-0000-0000-000000000000', 'splunk_index = main'],
    },
  },
]);
